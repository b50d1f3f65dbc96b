/**
 * The web pages of a stage: the citizen's widget (`/widget.js`), the demo portal page (`/`) and the
 * operator console (`/console/`), in a private S3 bucket read only by CloudFront through origin
 * access control, with security headers (a strict CSP, HSTS) on every answer, and `config.json`
 * written at deploy time from the chat and data stacks' outputs (the WebSocket URL, the operators'
 * user pool and app client). Deployed last: it only reads the others, and holds nothing that
 * cannot be built again, so it is destroyable in every stage.
 */
import {
  Aws,
  CfnOutput,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { contentSecurityPolicy, writeWebFiles } from '../../web/build.ts';
import { repoPath } from '../paths.ts';
import type { StageName } from '../stage.ts';

/** Properties of {@link WebStack}. */
export interface WebStackProps extends StackProps {
  readonly stage: StageName;
  /** The WebSocket stage's URL (`wss://…/<stage>`): written to config.json and allowed by the CSP. */
  readonly webSocketUrl: string;
  /** Where the portal's feedback form posts. */
  readonly feedbackUrl: string;
  /** The operators' user pool and the console's app client. */
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Origins of the portal pages that embed the widget: they may read `config.json` (CORS). */
  readonly portalOrigins: readonly string[];
  /**
   * The attachments bucket: the widget posts uploads to it and the pages show thumbnails from it
   * (presigned, virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com`), so the CSP names its
   * origin in `connect-src` and `img-src`, and nothing wider.
   */
  readonly attachmentsBucketName: string;
}

export class WebStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    const {
      stage,
      webSocketUrl,
      feedbackUrl,
      userPoolId,
      userPoolClientId,
      portalOrigins,
      attachmentsBucketName,
      ...stackProps
    } = props;
    super(scope, id, {
      description: `Support chat (${stage}): the citizen's widget and the operator console behind CloudFront`,
      ...stackProps,
    });

    // Only the build of web/ lives here: nothing to keep when the stack goes.
    this.bucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of web/ and is read only by CloudFront through origin access control; ' +
        'every read is a CloudFront request, and the deployment is the only writer (CloudTrail records it).',
    });

    const cognitoOrigin = `https://cognito-idp.${Aws.REGION}.amazonaws.com`;
    const attachmentsOrigin = `https://${attachmentsBucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'CSP, HSTS and the other security headers of the support pages',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([webSocketUrl, cognitoOrigin, feedbackUrl], {
            uploads: [attachmentsOrigin],
            downloads: [attachmentsOrigin],
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
      // The widget on the portal's pages reads config.json from here.
      ...(portalOrigins.length > 0
        ? {
            corsBehavior: {
              accessControlAllowOrigins: [...portalOrigins],
              accessControlAllowMethods: ['GET', 'HEAD'],
              accessControlAllowHeaders: ['*'],
              accessControlAllowCredentials: false,
              originOverride: true,
            },
          }
        : {}),
    });

    // `/console/` is `console/index.html` in the bucket (CloudFront's default root object is only for `/`).
    const directoryIndex = new CloudFrontFunction(this, 'DirectoryIndex', {
      comment: 'Serves <folder>/index.html for a URL ending in /',
      code: FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) { r.uri += 'index.html'; } return r; }",
      ),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Support chat ${stage}: widget and operator console`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: directoryIndex, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Citizens use the portal from abroad too (consulates, travel): the pages are not geo-restricted by design.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static files only, no origin logic to protect; a CloudFront web ACL must live in us-east-1, which this ' +
          'environment-agnostic stage cannot create. The chat itself is throttled at API Gateway (Chat stack).',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Standard logs would record the IP address of every portal visitor who loads the widget: personal data ' +
          'with no use here (the pages are static; the chat is logged by API Gateway without personal data).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The default *.cloudfront.net certificate's TLS policy is fixed by CloudFront; the portal's own domain " +
          'with an ACM certificate and TLSv1.2_2021 is attached by the platform team (docs/deploy.md).',
      },
    );

    // The build of web/ (esbuild, at synth), then config.json from the other stacks' outputs.
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      sources: [
        Source.asset(repoPath('web'), {
          exclude: ['dist', '*.test.ts'],
          bundling: {
            // Never pulled: esbuild runs here, in-process (tryBundle), as for the functions.
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
            local: {
              tryBundle(outputDir: string) {
                writeWebFiles(outputDir);
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', {
          wsUrl: webSocketUrl,
          feedbackUrl,
          cognito: { region: Aws.REGION, userPoolId, clientId: userPoolClientId },
        }),
      ],
    });
    // CDK's handler that copies the build into the bucket: one per stack, beside the deployment.
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!handler) throw new Error('no BucketDeployment handler in the web stack');
    const cdkGrant = "CDK's BucketDeployment grant:";
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason: "CDK's BucketDeployment handler runs on the runtime CDK pins for it.",
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's BucketDeployment handler writes its own logs only (CloudWatch Logs), as CDK sets it up.",
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${cdkGrant} ${action} on the CDK assets bucket (read) and on the site bucket only.`,
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: `${cdkGrant} reads the zipped build from the CDK bootstrap assets bucket of this account and region.`,
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        reason: `${cdkGrant} writes and prunes the objects of the site bucket, and nothing else.`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${cdkGrant} cloudfront:CreateInvalidation/GetInvalidation, which support no resource-level permissions.`,
      },
    );

    new CfnOutput(this, 'WebUrl', {
      description: 'The operator console is at <WebUrl>/console/; the widget script at <WebUrl>/widget.js',
      value: `https://${this.distribution.distributionDomainName}`,
    });
  }
}
