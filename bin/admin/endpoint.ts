// Where the admin API is: --endpoint, else OP_ADMIN_ENDPOINT, else the deployed stack's AdminApiUrl output
// (CloudFormation DescribeStacks), which needs @aws-sdk/client-cloudformation to be installed.
import { CliError } from './errors';

export const STACK_NAME = 'OriginalPointGateway';
const CFN_MODULE = '@aws-sdk/client-cloudformation';

/** The few pieces of the CloudFormation client used here, so the module can stay an optional dependency. */
interface CfnModule {
  CloudFormationClient: new (config: { region?: string; profile?: string }) => {
    send(command: unknown): Promise<{ Stacks?: Array<{ Outputs?: Array<{ OutputKey?: string; OutputValue?: string }> }> }>;
    destroy(): void;
  };
  DescribeStacksCommand: new (input: { StackName: string }) => unknown;
}

async function loadCloudFormation(): Promise<CfnModule | undefined> {
  try {
    return (await import(/* @vite-ignore */ CFN_MODULE)) as CfnModule;
  } catch {
    return undefined;
  }
}

async function stackOutput(region: string | undefined, profile: string | undefined): Promise<string> {
  const cfn = await loadCloudFormation();
  if (!cfn) {
    throw new CliError(
      `No admin endpoint: pass --endpoint <AdminApiUrl> or set OP_ADMIN_ENDPOINT. (Reading it from the ${STACK_NAME} ` +
        `stack needs ${CFN_MODULE}, which is not installed; "npx cdk deploy" prints AdminApiUrl.) ` +
        'For a local gateway use --endpoint http://127.0.0.1:8787 with --token.',
      2,
    );
  }
  const client = new cfn.CloudFormationClient({ region, profile });
  try {
    const { Stacks } = await client.send(new cfn.DescribeStacksCommand({ StackName: STACK_NAME }));
    const url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'AdminApiUrl')?.OutputValue;
    if (!url) throw new CliError(`The ${STACK_NAME} stack has no AdminApiUrl output; pass --endpoint.`);
    return url;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Could not read the ${STACK_NAME} stack (${err instanceof Error ? err.message : String(err)}); pass --endpoint.`);
  } finally {
    client.destroy();
  }
}

export async function resolveEndpoint(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  aws: { region?: string; profile?: string },
): Promise<string> {
  return flag || env.OP_ADMIN_ENDPOINT || stackOutput(aws.region, aws.profile);
}
