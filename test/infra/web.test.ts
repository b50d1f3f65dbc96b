/**
 * The hosting stack of the web pages: a private bucket that only CloudFront reads (origin access
 * control), HTTPS only, the security headers (a CSP that allows exactly the chat's WebSocket,
 * Cognito and the attachments bucket, HSTS) on every answer, `/console/` served from its index,
 * and `config.json` written at deploy time from the other stacks' outputs.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const prod = synthesizeApp({
  stage: 'prod',
  alarmEmail: 'oncall@example.org',
  portalOrigins: ['https://www.gosuslugi.ru'],
});
const web = prod.templates['SupportChat-prod-Web'];
if (!web) throw new Error('no SupportChat-prod-Web stack');

describe('the web stack', () => {
  it('keeps the pages in a private, encrypted, TLS-only bucket', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
    });
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
          }),
        ]),
      },
    });
  });

  it('serves them through CloudFront with origin access control, HTTPS only, /console/ from its index', () => {
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    web.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    const [fn] = Object.values(resourcesOf(web, 'AWS::CloudFront::Function'));
    expect(String(fn?.Properties.FunctionCode)).toContain("r.uri += 'index.html'");
  });

  it('sends a strict CSP that allows only the chat and Cognito, HSTS for a year, and CORS for the portal only', () => {
    const [policy] = Object.values(resourcesOf(web, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const config = policy?.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: unknown };
        StrictTransportSecurity: { AccessControlMaxAgeSec: number; IncludeSubdomains: boolean };
        FrameOptions: { FrameOption: string };
      };
      CorsConfig: { AccessControlAllowOrigins: { Items: string[] } };
    };
    const csp = JSON.stringify(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self' wss://");
    expect(csp).toContain('https://cognito-idp.');
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(config.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 365 * 24 * 3600,
      IncludeSubdomains: true,
    });
    expect(config.SecurityHeadersConfig.FrameOptions.FrameOption).toBe('DENY');
    expect(config.CorsConfig.AccessControlAllowOrigins.Items).toEqual(['https://www.gosuslugi.ru']);
  });

  it('lets the pages post uploads to the attachments bucket and show its thumbnails, and nothing wider', () => {
    const [policy] = Object.values(resourcesOf(web, 'AWS::CloudFront::ResponseHeadersPolicy'));
    if (!policy) throw new Error('no response headers policy');
    const value = (
      policy.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Join': [string, unknown[]] } };
        };
      }
    ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    // The joined policy with each reference written as its name: {bucket}, {AWS::Region}, …
    const csp = value['Fn::Join'][1]
      .map((part) => {
        if (typeof part === 'string') return part;
        const imported = (part as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
        if (imported?.includes('AttachmentsBucket')) return '{bucket}';
        return `{${(part as { Ref?: string }).Ref ?? JSON.stringify(part)}}`;
      })
      .join('');
    const directive = (name: string) =>
      csp
        .split('; ')
        .find((d) => d.startsWith(`${name} `))
        ?.split(' ')
        .slice(1);
    const bucket = 'https://{bucket}.s3.{AWS::Region}.{AWS::URLSuffix}';
    expect(directive('img-src')).toEqual(["'self'", 'data:', bucket]);
    expect(directive('connect-src')).toContain(bucket);
    expect(directive('form-action')).toEqual(["'self'"]);
    expect(csp).not.toContain('*');
  });

  it('writes config.json at deploy time from the chat and data stacks’ outputs', () => {
    const [deployment] = Object.values(resourcesOf(web, 'Custom::CDKBucketDeployment'));
    const markers = JSON.stringify(deployment?.Properties.SourceMarkers);
    expect(deployment?.Properties.SourceObjectKeys).toHaveLength(2);
    expect(markers).toContain('SupportChat-prod-Chat');
    expect(markers).toContain('SupportChat-prod-Data');
    expect(prod.web.dependencies).toEqual(expect.arrayContaining([prod.chat, prod.data]));
  });
});
