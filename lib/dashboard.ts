import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deployment from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildWebSync } from '../web/build';
import { PASSWORD_POLICY } from '../lambda/core/dashboard/password-policy';

/** Enterprise single sign-on: identity providers the user pool federates with, added without code changes. */
export interface DashboardIdentityProviders {
  oidc?: Array<{ name: string; clientId: string; clientSecret: string; issuerUrl: string }>;
  saml?: Array<{ name: string; metadataUrl: string }>;
  /** The Cognito domain prefix federated sign-in needs (https://<prefix>.auth.<region>.amazoncognito.com). */
  domainPrefix: string;
}

export interface DashboardProps {
  handler: lambda.IFunction;
  /** The /v1 base URL the dashboard shows users. */
  gatewayBaseUrl: string;
  identityProviders?: DashboardIdentityProviders;
}

/**
 * The self-service dashboard: a Cognito user pool (e-mail and password sign-up with e-mail verification,
 * password reset, optional TOTP MFA), the dashboard API (API Gateway, a Cognito authorizer on every method,
 * the dashboard function behind it), and the page: static files in a private S3 bucket behind CloudFront
 * (origin access control, HTTPS only, strict security headers), which also serves the API under
 * /dashboard/api so the page talks only to its own origin and Cognito.
 */
export class Dashboard extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly api: apigateway.RestApi;
  readonly distribution: cloudfront.Distribution;
  readonly bucket: s3.Bucket;
  readonly headers: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const region = Stack.of(this).region;

    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: PASSWORD_POLICY.MinimumLength,
        requireLowercase: PASSWORD_POLICY.RequireLowercase,
        requireUppercase: PASSWORD_POLICY.RequireUppercase,
        requireDigits: PASSWORD_POLICY.RequireNumbers,
        requireSymbols: PASSWORD_POLICY.RequireSymbols,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // People's sign-ins outlive a redeploy, as their keys do.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const federated: cognito.UserPoolClientIdentityProvider[] = [cognito.UserPoolClientIdentityProvider.COGNITO];
    const idp = props.identityProviders;
    for (const o of idp?.oidc ?? []) {
      new cognito.UserPoolIdentityProviderOidc(this, `Oidc${o.name}`, {
        userPool: this.userPool,
        name: o.name,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        issuerUrl: o.issuerUrl,
        attributeMapping: { email: cognito.ProviderAttribute.other('email') },
        scopes: ['openid', 'email'],
      });
      federated.push(cognito.UserPoolClientIdentityProvider.custom(o.name));
    }
    for (const sm of idp?.saml ?? []) {
      new cognito.UserPoolIdentityProviderSaml(this, `Saml${sm.name}`, {
        userPool: this.userPool,
        name: sm.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(sm.metadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
      });
      federated.push(cognito.UserPoolClientIdentityProvider.custom(sm.name));
    }
    if (idp) this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: idp.domainPrefix } });

    this.client = this.userPool.addClient('Dashboard', {
      // The page signs in with e-mail and password over TLS (USER_PASSWORD_AUTH); no client secret in a browser.
      authFlows: { userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      supportedIdentityProviders: federated,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-dashboard`,
      description: 'OriginalPoint dashboard API (Cognito users)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Bodies carry newly issued key secrets: never traced.
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
      defaultIntegration: new apigateway.LambdaIntegration(props.handler, { allowTestInvoke: false }),
    });
    this.api.node.tryRemoveChild('Endpoint');
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [this.userPool] });
    const validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    const methodOptions: apigateway.MethodOptions = { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO, requestValidator: validator };
    this.api.root.addResource('dashboard').addResource('api').addProxy({ anyMethod: false }).addMethod('ANY', undefined, methodOptions);

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The page is rebuilt from the repository on every deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const cognitoEndpoint = `https://cognito-idp.${region}.amazonaws.com/`;
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The page talks to itself (the API is behind the same distribution), to Cognito, and (the
          // playground) to the gateway: its function URL, or its CloudFront front.
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ${cognitoEndpoint} https://*.lambda-url.${region}.on.aws https://*.cloudfront.net; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'OriginalPoint dashboard',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.headers,
      },
      additionalBehaviors: {
        '/dashboard/api/*': {
          origin: new origins.RestApiOrigin(this.api, { originPath: '/prod' }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
    });

    new deployment.BucketDeployment(this, 'Page', {
      destinationBucket: this.bucket,
      sources: [
        deployment.Source.asset(buildWebSync()),
        deployment.Source.jsonData('dashboard/config.json', { cognitoEndpoint, clientId: this.client.userPoolClientId, apiBase: '/dashboard/api', gatewayBaseUrl: props.gatewayBaseUrl }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });

    this.suppressions();
  }

  private suppressions(): void {
    NagSuppressions.addResourceSuppressions(this.userPool, [
      { id: 'AwsSolutions-COG2', reason: 'MFA is offered (TOTP) and left to each user: requiring it at sign-up would stop the "working key in a minute" path; enterprise accounts enforce it through their own identity provider.' },
      { id: 'AwsSolutions-COG3', reason: 'Cognito threat protection (the Plus feature plan) is billed per active user; the pool has a strict password policy and e-mail verification, and operators can enable the plan on the pool.' },
      { id: 'AwsSolutions-COG8', reason: 'The Plus feature plan is billed per monthly active user; the pool has a strict password policy and e-mail verification, and operators can move it to Plus without code changes.' },
    ]);
    NagSuppressions.addResourceSuppressions(this.bucket, [
      { id: 'AwsSolutions-S1', reason: 'The bucket holds the public dashboard page only, rebuilt on every deploy; CloudFront is its only reader (origin access control), so access logs would record CloudFront itself.' },
    ], true);
    NagSuppressions.addResourceSuppressions(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'The dashboard is for users anywhere: no geographic restriction.' },
      { id: 'AwsSolutions-CFR2', reason: 'The page is static and the API behind it requires a Cognito JWT on every method and is throttled; operators may attach a web ACL of their own.' },
      { id: 'AwsSolutions-CFR3', reason: 'Access logging needs an ACL-enabled log bucket; the API behind the distribution writes its own access logs (a year), which is where requests that matter are recorded.' },
      { id: 'AwsSolutions-CFR4', reason: "The default CloudFront certificate's security policy is fixed by CloudFront for *.cloudfront.net; a custom domain with its own certificate can require TLSv1.2_2021." },
      { id: 'AwsSolutions-CFR7', reason: 'The S3 origin uses origin access control (S3BucketOrigin.withOriginAccessControl), the recommended successor of OAI.' },
    ]);
    // Deploy-time helpers CDK provides (copying the built page into the bucket, emptying it on deletion).
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!/^Custom::(CDKBucketDeployment|S3AutoDeleteObjects)/.test(child.node.id)) continue;
      NagSuppressions.addResourceSuppressions(child, [
        { id: 'AwsSolutions-IAM4', reason: 'A CDK-provided deploy-time handler (BucketDeployment or auto-delete): it uses the AWS-managed basic execution policy and runs only during deployments.' },
        { id: 'AwsSolutions-IAM5', reason: "A CDK-provided deploy-time handler: its generated policy names the CDK asset bucket and the site bucket with object wildcards, which copying a folder of files needs." },
        { id: 'AwsSolutions-L1', reason: 'A CDK-provided deploy-time handler pins its own runtime; it runs only during deployments.' },
      ], true);
    }
    NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
      { id: 'AwsSolutions-APIG3', reason: 'Every method requires a Cognito JWT and the stage is throttled; the distribution in front is where a web ACL would go.' },
    ]);
  }
}
