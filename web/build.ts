// Builds the dashboard's page into web/dist: one minified, tree-shaken ES module (Preact, htm, uPlot and the
// pages), the stylesheet (with uPlot's), and index.html. Run by `npm start`, by the tests that open the
// dashboard, and by the stack (which deploys web/dist to S3).
import { build, buildSync, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(here, 'dist');

const OPTIONS: BuildOptions = {
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: join(WEB_DIST, 'assets/app.js'),
  logLevel: 'silent',
  legalComments: 'none',
};

export async function buildWeb(): Promise<string> {
  mkdirSync(join(WEB_DIST, 'assets'), { recursive: true });
  await build(OPTIONS);
  return finish();
}

/** The same build, synchronously: CDK constructs are built synchronously (lib/dashboard.ts). */
export function buildWebSync(): string {
  mkdirSync(join(WEB_DIST, 'assets'), { recursive: true });
  buildSync(OPTIONS);
  return finish();
}

function finish(): string {
  const uplotCss = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
  writeFileSync(join(WEB_DIST, 'assets/style.css'), `${uplotCss}\n${readFileSync(join(here, 'style.css'), 'utf8')}`);
  copyFileSync(join(here, 'index.html'), join(WEB_DIST, 'index.html'));
  return WEB_DIST;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb();
  console.log(`dashboard built into ${WEB_DIST}`);
}
