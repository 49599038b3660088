// Where the admin API is: --endpoint, else OP_ADMIN_ENDPOINT, else the deployed stack's AdminApiUrl output
// (CloudFormation DescribeStacks with the default credential chain).
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from './errors';

export const STACK_NAME = 'OriginalPointGateway';

async function stackOutput(region: string | undefined, profile: string | undefined): Promise<string> {
  const client = new CloudFormationClient({ region, profile });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: STACK_NAME }));
    const url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'AdminApiUrl')?.OutputValue;
    if (!url) throw new CliError(`The ${STACK_NAME} stack has no AdminApiUrl output; pass --endpoint.`);
    return url;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(
      `No admin endpoint: pass --endpoint <AdminApiUrl> or set OP_ADMIN_ENDPOINT (reading it from the ${STACK_NAME} stack ` +
        `failed: ${err instanceof Error ? err.message : String(err)}). For a local gateway use --endpoint http://127.0.0.1:8787 with --token.`,
      2,
    );
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
