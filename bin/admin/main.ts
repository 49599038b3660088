// op-admin: argument handling, endpoint and auth resolution, output. Commands live in commands.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AdminClient } from './client';
import { COMMANDS, type Values } from './commands';
import { resolveEndpoint } from './endpoint';
import { CliError, usageError } from './errors';

const GLOBAL: NonNullable<ParseArgsConfig['options']> = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

function help(): string {
  const lines = [
    'op-admin: manage OriginalPoint accounts and API keys, and read usage, through the admin API.',
    '',
    'Usage: op-admin <accounts|keys|usage> <command> [arguments] [options]',
    '',
  ];
  for (const [group, commands] of Object.entries(COMMANDS)) {
    for (const [name, command] of Object.entries(commands)) lines.push(`  ${`${group} ${name}`.padEnd(18)} ${command.summary}`);
  }
  lines.push(
    '',
    'Options:',
    '  --endpoint URL   the admin API: the stack output AdminApiUrl, or a local gateway (http://127.0.0.1:8787);',
    '                   default OP_ADMIN_ENDPOINT, else the OriginalPointGateway stack output (read with',
    '                   the default AWS credential chain)',
    '  --token TOKEN    local gateway admin token (default OP_ADMIN_TOKEN); without one, requests are SigV4-signed',
    '                   with the default AWS credential chain',
    '  --region, --profile   AWS region and profile for signing',
    '  --json           print the API response as JSON',
    '',
    'Run "op-admin <group> <command> --help" for a command\'s options.',
  );
  return lines.join('\n');
}

export async function runCli(argv: readonly string[], env: Record<string, string | undefined>, io: Io): Promise<number> {
  try {
    const [group, name, ...rest] = argv;
    if (!group || group === '--help' || group === '-h' || group === 'help') {
      io.out(help());
      return group ? 0 : 2;
    }
    const command = COMMANDS[group]?.[name ?? ''];
    if (!command) throw usageError(`Unknown command '${[group, name].filter(Boolean).join(' ')}'.\n\n${help()}`);
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL, ...command.options }, allowPositionals: true, strict: true }) as {
        values: Values;
        positionals: string[];
      };
    } catch (err) {
      throw usageError(`${err instanceof Error ? err.message : String(err)}\nUsage: ${command.usage}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(`${command.summary}\nUsage: ${command.usage}`);
      return 0;
    }
    const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);
    const aws = { region: str(values.region) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION, profile: str(values.profile) };
    const endpoint = await resolveEndpoint(str(values.endpoint), env, aws);
    const client = new AdminClient({ endpoint, token: str(values.token) ?? (env.OP_ADMIN_TOKEN || undefined), ...aws });
    const output = await command.run(client, positionals, values);
    if (values.json) {
      io.out(JSON.stringify(output.json, null, 2));
    } else {
      io.out(output.text);
      for (const w of output.warnings ?? []) io.err(`Warning: ${w}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(err.message);
      return err.exitCode;
    }
    io.err(`op-admin failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
