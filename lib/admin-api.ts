import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface AdminApiProps {
  handler: lambda.IFunction;
}

/**
 * The admin API: a REST API whose every method requires SigV4 (IAM) signatures, so who may manage accounts
 * and keys is decided by IAM policies in the operator's account rather than by a secret of our own.
 * Everything under /admin goes to the one admin function, which routes by path itself.
 */
export class AdminApi extends Construct {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);

    // Who called what and when (the caller's IAM ARN is in the standard fields): kept beyond the stack's
    // life as an audit trail. Request bodies are never logged.
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-admin`,
      description: 'OriginalPoint admin API (IAM-authorized)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Access logging needs the account-level CloudWatch role; API Gateway has one per account and region.
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'prod',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Data tracing would write request and response bodies, which carry newly issued key secrets.
        dataTraceEnabled: false,
        metricsEnabled: true,
        // An operator tool, not a public surface: low limits bound the damage of a leaked credential.
        throttlingRateLimit: 10,
        throttlingBurstLimit: 20,
      },
      defaultIntegration: new apigateway.LambdaIntegration(props.handler, { allowTestInvoke: false }),
      // API-wide default, so a method added later cannot silently be open.
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    });

    // The admin handler validates bodies itself so its errors keep the OpenAI error shape; the validator is
    // attached so any request model or required parameter added later is enforced at the edge.
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // A method's validator is not inherited from default method options, so each method names it.
    const methodOptions: apigateway.MethodOptions = { requestValidator: validator };
    const admin = this.api.root.addResource('admin');
    admin.addMethod('ANY', undefined, methodOptions);
    admin.addProxy({ anyMethod: false }).addMethod('ANY', undefined, methodOptions);

    // The stack exports the URL as AdminApiUrl; the construct's own `Endpoint` output would duplicate it.
    this.api.node.tryRemoveChild('Endpoint');

    NagSuppressions.addResourceSuppressions(this.api.methods, [
      {
        id: 'AwsSolutions-COG4',
        reason: 'Admin methods use IAM (SigV4) authorization: operators are IAM principals, not end users, so a Cognito user pool would add a second identity system.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
      {
        id: 'AwsSolutions-APIG3',
        reason: 'Every method requires a SigV4 signature and the stage is throttled; unsigned requests are rejected before any integration runs, so a WAF web ACL adds cost without a threat it would stop.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.api.node.findChild('CloudWatchRole'),
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: 'The account-level API Gateway logging role uses the AWS-documented managed policy: API Gateway writes execution logs to log groups it names itself, so the resources cannot be narrowed in advance.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        },
      ],
      true,
    );
  }
}
