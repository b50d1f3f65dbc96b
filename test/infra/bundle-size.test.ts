import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { houseEsbuildOptions } from '../../infra/constructs/bundling.ts';
import { repoPath } from '../../infra/paths.ts';
import { productionApp, resourcesOf } from './synth.ts';

/** docs/requirements.md#numbers: every handler bundle is at most 250 KB minified. */
const MAX_BUNDLE_BYTES = 250 * 1024;

/** The packages (or source folders) that weigh most in a bundle, for the failure message. */
function heaviestInputs(metafile: Metafile): string {
  const bytesBySource = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const source =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      bytesBySource.set(source, (bytesBySource.get(source) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytesBySource]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5)
    .map(([source, bytes]) => `${source} ${Math.round(bytes / 1024)} KB`)
    .join(', ');
}

/**
 * The bundle's inputs that `import` an `@aws-sdk/*` package, ours or a dependency's: the functions
 * `require` it (functions/shared/aws-sdk/load.ts), and a dependency's import is aliased to their
 * module for it (infra/constructs/bundling.ts, `sdkAliases`).
 */
function sdkImports(metafile: Metafile): string[] {
  return Object.entries(metafile.inputs).flatMap(([path, input]) =>
    input.imports
      .filter((imported) => imported.external && imported.path.startsWith('@aws-sdk/'))
      .filter((imported) => imported.kind === 'import-statement' || imported.kind === 'dynamic-import')
      .map((imported) => `${path} imports ${imported.path}`),
  );
}

/**
 * The bundle's inputs from classic zod (the `zod` entry point): every schema of the functions is
 * zod/mini's, imported from events/zod.ts, and one classic import would bring its whole API back.
 */
function classicZodInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((path) => /node_modules\/zod\/v4\/classic\//.test(path));
}

// Prepare
const { template } = productionApp();
const entries = [
  ...new Set(
    Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map(
      (fn) => fn.Metadata?.['local:entry'] as string,
    ),
  ),
];

describe('handler bundles (esbuild with the house options)', () => {
  it.each(entries)(
    '%s bundles to at most 250 KB minified, the SDK loaded by require, zod/mini only',
    async (entry) => {
      // Act
      const result = await build({
        ...houseEsbuildOptions(repoPath(entry)),
        absWorkingDir: repoPath('.'),
        outdir: 'bundle-size',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });

      // Assess
      const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
      expect(
        code?.contents.byteLength,
        `heaviest inputs: ${heaviestInputs(result.metafile)}`,
      ).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(sdkImports(result.metafile), 'import it from #shared/aws-sdk/<package>.ts').toEqual([]);
      expect(classicZodInputs(result.metafile), "import zod from '#events/zod.ts'").toEqual([]);
    },
  );
});
