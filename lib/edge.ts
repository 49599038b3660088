import { CfnOutput, CfnRule, Duration, Fn } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ORIGIN_HEADER } from '../lambda/wire/edge';

export interface EdgeProps {
  functionUrl: lambda.FunctionUrl;
  /** A CLOUDFRONT-scope web ACL of your own (created in us-east-1); without one, the stack creates one. */
  webAclArn?: string;
  /** Requests one IP address may send per five minutes before the web ACL blocks it (the rate-based rule). */
  requestsPerIpPer5Min: number;
}

/**
 * The optional front for /v1: CloudFront with AWS WAF (a rate-based rule per IP, and AWS's IP reputation
 * list), forwarding everything to the function URL uncached, streaming included. CloudFront adds a secret
 * header (ORIGIN_HEADER) that the function checks before any DynamoDB read, so a flood sent to the function
 * URL directly is refused for the price of an invocation, and one sent through CloudFront is stopped by WAF
 * before it reaches the function at all.
 */
export class Edge extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly originSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: `OriginalPoint: the ${ORIGIN_HEADER} value CloudFront sends and the gateway function expects`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    NagSuppressions.addResourceSuppressions(this.originSecret, [
      { id: 'AwsSolutions-SMG4', reason: 'CloudFront reads the value from the template at deploy time; rotating it means redeploying, which `cdk deploy` does when it changes.' },
    ]);

    let webAclArn = props.webAclArn;
    if (!webAclArn) {
      // CLOUDFRONT-scope web ACLs exist only in us-east-1: say so before anything is created elsewhere.
      new CfnRule(this, 'WebAclRegion', {
        assertions: [{ assert: Fn.conditionEquals(Fn.ref('AWS::Region'), 'us-east-1'), assertDescription: 'The CloudFront web ACL is created in us-east-1 only: deploy there, or pass webAclArn of one you created in us-east-1.' }],
      });
      const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
        scope: 'CLOUDFRONT',
        defaultAction: { allow: {} },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'originalpoint-edge', sampledRequestsEnabled: true },
        rules: [
          {
            name: 'rate-per-ip',
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: props.requestsPerIpPer5Min, aggregateKeyType: 'IP' } },
            visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'originalpoint-rate-per-ip', sampledRequestsEnabled: true },
          },
          {
            name: 'aws-ip-reputation',
            priority: 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
            visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'originalpoint-ip-reputation', sampledRequestsEnabled: true },
          },
        ],
      });
      webAclArn = acl.attrArn;
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'OriginalPoint /v1',
      webAclId: webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: new origins.FunctionUrlOrigin(props.functionUrl, {
          customHeaders: { [ORIGIN_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
          // The longest CloudFront waits between bytes without a quota increase: a first token later than
          // this ends the request at the edge (see the README).
          readTimeout: Duration.seconds(60),
          keepaliveTimeout: Duration.seconds(60),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // Every header but Host (the function URL needs its own), every query string: the gateway sees the
        // request as the client sent it.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
      },
    });
    NagSuppressions.addResourceSuppressions(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'An API for any client anywhere: no geographic restriction.' },
      { id: 'AwsSolutions-CFR3', reason: 'The gateway logs every request itself (one structured line per request); CloudFront access logs would repeat them at a cost.' },
      { id: 'AwsSolutions-CFR4', reason: "The distribution's own *.cloudfront.net name and CloudFront's default certificate, whose viewer security policy CloudFront fixes; a custom domain with its certificate chooses TLS 1.2 or newer." },
      { id: 'AwsSolutions-CFR5', reason: 'The origin is a Lambda function URL, which CloudFront reaches over HTTPS with TLS 1.2.' },
    ]);
    new CfnOutput(scope, 'EdgeBaseUrl', {
      description: 'OpenAI base URL through CloudFront and WAF (use this one; the function URL refuses direct requests)',
      value: `https://${this.distribution.distributionDomainName}/v1`,
    });
  }
}
