// `npm run admin -- ...` / `npx op-admin ...`: the operator CLI for accounts and API keys (bin/admin/).
import { runCli } from './admin/main';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
