/**
 * The bot's knowledge base as a Lambda layer: content as data, so a new knowledge base is a new
 * layer version and no code change (docs/requirements.md#bot). One layer for the stack, handed as a typed prop to every
 * function that reads it (the bot worker answers from it, `suggest` ranks over it), so they can
 * never mount two different versions of the content.
 */
import { Architecture, type CfnLayerVersion, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { repoPath } from '../paths.ts';

/** Default folder of the knowledge-base layer; its `kb/` appears at `/opt/kb` in Lambda. */
export const KNOWLEDGE_BASE_LAYER_PATH = 'layers/knowledge-base';

/** Metadata key under which a layer's repo-relative folder is recorded in the template. */
export const LOCAL_PATH_METADATA = 'local:path';

/** Properties of {@link KnowledgeBaseLayer}. */
export interface KnowledgeBaseLayerProps {
  /**
   * Repo-relative (or absolute) folder of the layer. Its content is mounted at `/opt`.
   * @default 'layers/knowledge-base'
   */
  readonly path?: string;
}

/** The knowledge-base layer and where a function finds the content once it is mounted. */
export class KnowledgeBaseLayer extends Construct {
  readonly layer: LayerVersion;
  /** `KNOWLEDGE_BASE_DIR` of a function with the layer: the layer's `kb/` under `/opt`. */
  readonly mountDir = '/opt/kb';
  /** `MFC_DIRECTORY_DIR` of a function with the layer: the MFC offices and services (`mfc/`). */
  readonly mfcDir = '/opt/mfc';
  /** `CANNED_ANSWERS_DIR` of a function with the layer: the operators' canned answers (`canned/`). */
  readonly cannedDir = '/opt/canned';

  constructor(scope: Construct, id: string, props: KnowledgeBaseLayerProps = {}) {
    super(scope, id);
    const path = props.path ?? KNOWLEDGE_BASE_LAYER_PATH;
    this.layer = new LayerVersion(this, 'Layer', {
      // Data only: any loader code or tests kept beside the content stay out of the layer.
      code: Code.fromAsset(repoPath(path), { exclude: ['**/*.ts', '**/*.md'] }),
      description: 'Bot knowledge base (intents, answers) mounted at /opt/kb',
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64],
    });
    // The local stack maps `/opt/…` of a function's environment to this folder.
    (this.layer.node.defaultChild as CfnLayerVersion).addMetadata(LOCAL_PATH_METADATA, path);
  }
}
