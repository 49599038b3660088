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
import type { Config as PageConfig } from '../web/src/config';

/** Enterprise single sign-on: identity providers the user pool federates with, added without code changes. */
export interface DashboardIdentityProviders {
  oidc?: Array<{ name: string; clientId: string; clientSecret: string; issuerUrl: string }>;
  saml?: Array<{ name: string; metadataUrl: string }>;
  /** The Cognito domain prefix federated sign-in needs (https://<prefix>.auth.<region>.amazoncognito.com). */
  domainPrefix: string;
}

/** The dashboard API's one stage, by name: the distribution's origin path names it without depending on it. */
const STAGE = 'prod';

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
  /** The identity providers' names: an address they assert counts as verified (the dashboard function's OP_COGNITO_FEDERATED). */
  readonly federatedProviders: string[];

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
    const providers: Construct[] = [];
    const idp = props.identityProviders;
    for (const o of idp?.oidc ?? []) {
      const provider = new cognito.UserPoolIdentityProviderOidc(this, `Oidc${o.name}`, {
        userPool: this.userPool,
        name: o.name,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        issuerUrl: o.issuerUrl,
        attributeMapping: { email: cognito.ProviderAttribute.other('email'), emailVerified: cognito.ProviderAttribute.other('email_verified') },
        scopes: ['openid', 'email'],
      });
      providers.push(provider);
      federated.push(cognito.UserPoolClientIdentityProvider.custom(o.name));
    }
    for (const sm of idp?.saml ?? []) {
      const provider = new cognito.UserPoolIdentityProviderSaml(this, `Saml${sm.name}`, {
        userPool: this.userPool,
        name: sm.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(sm.metadataUrl),
        attributeMapping: { email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
      });
      providers.push(provider);
      federated.push(cognito.UserPoolClientIdentityProvider.custom(sm.name));
    }
    this.federatedProviders = [...(idp?.oidc ?? []), ...(idp?.saml ?? [])].map((p) => p.name);
    const domain = idp ? this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: idp.domainPrefix } }) : undefined;

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-dashboard`,
      description: 'OriginalPoint dashboard API (Cognito users)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE,
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
    // Federated sign-in's token exchange goes to the pool's own domain.
    const connect = [cognitoEndpoint, ...(domain ? [domain.baseUrl()] : [])].join(' ');
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The page talks to itself (the API is behind the same distribution), to Cognito, and (the
          // playground) to the gateway: its function URL, or its CloudFront front.
          contentSecurityPolicy: `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ${connect} https://*.lambda-url.${region}.on.aws https://*.cloudfront.net; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
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
          // By the API's id, not its stage's URL: the distribution then depends on the API alone, and the app
          // client can name the distribution as its callback without a dependency cycle through the function.
          origin: new origins.HttpOrigin(`${this.api.restApiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`, { originPath: `/${STAGE}` }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
    });

    const pageUrl = `https://${this.distribution.distributionDomainName}/`;
    this.client = this.userPool.addClient('Dashboard', {
      // The page signs in with e-mail and password over TLS (USER_PASSWORD_AUTH); no client secret in a browser.
      authFlows: { userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      supportedIdentityProviders: federated,
      // Federated sign-in: the authorization-code grant with PKCE, back to the dashboard's own page only.
      // Without identity providers the pool's OAuth endpoints stay off for this client.
      ...(domain
        ? { oAuth: { flows: { authorizationCodeGrant: true }, scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE], callbackUrls: [pageUrl], logoutUrls: [pageUrl] } }
        : { disableOAuth: true }),
    });
    // The client names the providers, which must exist first.
    for (const provider of providers) this.client.node.addDependency(provider);

    new deployment.BucketDeployment(this, 'Page', {
      destinationBucket: this.bucket,
      sources: [
        deployment.Source.asset(buildWebSync()),
        deployment.Source.jsonData('dashboard/config.json', {
          cognitoEndpoint,
          clientId: this.client.userPoolClientId,
          apiBase: '/dashboard/api',
          gatewayBaseUrl: props.gatewayBaseUrl,
          ...(domain ? { federation: { domain: domain.baseUrl(), providers: this.federatedProviders } } : {}),
        } satisfies PageConfig),
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
