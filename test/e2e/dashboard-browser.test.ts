// The dashboard in a real browser: Playwright driving Debian's Chromium (installed by .ci/run where it is
// missing; never downloaded at run time) against `npm start`'s gateway in this process, with cognito-local
// standing in for Cognito. A new user signs up, verifies with the e-mailed code, gets a first key that works
// through the openai SDK, sees the request in Activity and Usage, creates, rotates and revokes a key, learns
// why a free account has no allowlists, invites a member who sees keys but not members, and signs out.
// Another turns on two-step sign-in with an authenticator app and is asked for its code at the next sign-in;
// a third signs in through the organisation's identity provider (the local stand-in for Cognito's managed
// login), under the page's real Content-Security-Policy.
// Every page is checked with axe-core and saved as a screenshot under test-artifacts/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import OpenAI from 'openai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdk } from '../helpers/admin';
import { codeFor, totp } from '../helpers/dashboard';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const CHROMIUM = process.env.OP_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts/dashboard';
const PASSWORD = 'Correct-Horse-42-Battery';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let t: TestGateway;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestGateway({ dashboard: { federation: ['ExampleSSO'] } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A page with axe-core injected past the CSP (the CSP itself is checked on the served headers). */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  return context.newPage();
}

async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
  });
  expect(violations, `accessibility of ${name}`).toEqual([]);
}

async function signUp(page: Page, email: string): Promise<void> {
  await page.goto(t.gw.url);
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Verification code').fill(await codeFor(t.gw, email));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
}

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name }).click();

describe('the dashboard in Chromium', () => {
  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${t.gw.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('takes a new user from sign-up to a working key, its request in Activity and Usage, and through the key life cycle', async () => {
    const page = await newPage();
    await page.goto(t.gw.url);
    await page.getByRole('tab', { name: 'Sign in' }).waitFor();
    await check(page, 'sign-in');
    await signUp(page, 'erin@example.com');
    const secret = (await page.getByTestId('secret').first().textContent())!.trim();
    expect(secret).toMatch(/^op_/);
    await expect.poll(() => page.locator('pre').first().textContent()).toContain(t.gw.baseUrl);
    await check(page, 'overview-first-key');

    const answer = await sdk(t.gw, secret).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hello from the browser test' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    await t.gw.usageSettled();

    await nav(page, 'Activity');
    await expect.poll(() => page.locator('tbody tr').first().textContent(), { timeout: 5_000 }).toContain('gpt-5-mini');
    // A row opens its record: the model that served it and the routing that chose it.
    await page.locator('tbody tr').first().getByRole('button').click();
    const detail = page.locator('dl.detail');
    await expect.poll(() => detail.textContent()).toContain('modelUsedgpt-5-mini');
    expect(await detail.textContent()).toContain('routingMode');
    await check(page, 'activity');
    await nav(page, 'Usage');
    await expect.poll(() => page.getByRole('region', { name: 'By model' }).textContent()).toContain('gpt-5-mini');
    // The chart shows requests per day stacked by key, the key's id in its legend.
    const keyId = (await page.getByRole('region', { name: 'By key' }).locator('tbody tr td').first().textContent())!.trim();
    expect(keyId).toMatch(/^key_/);
    await page.getByLabel('Chart', { exact: true }).selectOption('requests');
    await page.getByLabel('Stacked by', { exact: true }).selectOption('key_id');
    await expect.poll(() => page.getByRole('img', { name: 'Requests per day, stacked by key' }).textContent()).toContain(keyId);
    await check(page, 'usage');

    await nav(page, 'Keys');
    // A free account: the allowlist control is off, and says why.
    await expect(page.getByLabel('IP allowlist (CIDRs, optional)').isDisabled()).resolves.toBe(true);
    expect(await page.locator('#allow-note').textContent()).toContain('available on the pro and enterprise plans');
    await page.getByLabel('Label').fill('second');
    await page.getByLabel(/^Allowed models/).fill('gpt-5-mini, claude-*');
    await page.getByLabel('Budget in USD (optional)').fill('5');
    await page.getByLabel('Budget period').selectOption('day');
    await page.getByRole('button', { name: 'Create key' }).click();
    const second = (await page.getByTestId('secret').first().textContent())!.trim();
    expect(second).not.toBe(secret);
    await page.getByRole('button', { name: 'Done' }).click();
    const secondRow = page.locator('tr', { hasText: 'second' });
    await expect.poll(() => secondRow.textContent()).toContain('gpt-5-mini, claude-*');
    expect(await secondRow.textContent()).toContain('$0.00 of $5.00 per day');
    await check(page, 'keys');
    // Edit in place: a new label and budget, and the models allowlist removed.
    await secondRow.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit second' });
    await form.getByLabel('Label').fill('second-renamed');
    await form.getByLabel('Budget in USD (empty: none)').fill('7');
    await form.getByLabel('Allowed models (empty: all)').fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    const renamed = page.locator('tr', { hasText: 'second-renamed' });
    await expect.poll(() => renamed.first().textContent()).toContain('$0.00 of $7.00 per day');
    expect(await renamed.first().textContent()).toContain('all');
    // Readable at 360 px: nothing makes the page itself scroll sideways (wide tables scroll in their card).
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${ARTIFACTS}/keys-360.png`, fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
    const row = page.locator('tr', { hasText: 'second' });
    await page.getByLabel('Grace period when rotating').selectOption('3600');
    await row.getByRole('button', { name: 'Rotate' }).click();
    const rotated = (await page.getByTestId('secret').first().textContent())!.trim();
    await page.getByRole('button', { name: 'Done' }).click();
    // The replacement is the newest row labelled "second…" that can still be revoked.
    const fresh = page.locator('tr', { hasText: 'second' }).filter({ has: page.getByRole('button', { name: 'Rotate' }) });
    await fresh.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await expect.poll(async () => (await sdk(t.gw, rotated).models.list().catch((e: unknown) => e)) instanceof OpenAI.AuthenticationError, { timeout: 12_000 }).toBe(true);
    // The rotated key still works during its grace period.
    await expect(sdk(t.gw, second).models.list()).resolves.toBeDefined();

    await nav(page, 'Models');
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThanOrEqual(16);
    await check(page, 'models');
    await nav(page, 'Playground');
    await page.getByLabel('API key (kept only in this page)').fill(secret);
    await page.getByLabel('Message').fill('Say hello');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('answer').textContent().catch(() => ''), { timeout: 10_000 }).toContain('Simulated');
    expect(await page.locator('table').last().textContent()).toContain('x-op-routing-reason');
    await check(page, 'playground');

    await nav(page, 'Members');
    await page.getByLabel('E-mail').fill('frank@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => page.locator('tbody').textContent()).toContain('frank@example.com');
    await check(page, 'members');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('tab', { name: 'Sign in' }).isVisible()).resolves.toBe(true);

    // The invited member: the account's keys, no members page.
    const member = await newPage();
    await signUp(member, 'frank@example.com');
    await expect.poll(() => member.getByRole('navigation').textContent()).toContain('Keys');
    expect(await member.getByRole('navigation').textContent()).not.toContain('Members');
    await nav(member, 'Keys');
    await expect.poll(() => member.locator('tbody').textContent()).toContain('second');
    await check(member, 'member-keys');
  }, 120_000);

  it('turns on two-step sign-in with an authenticator app, and asks for its code at the next sign-in', async () => {
    const page = await newPage();
    await signUp(page, 'henry@example.com');
    await page.getByTestId('secret').first().waitFor();
    await nav(page, 'Security');
    await expect.poll(() => page.getByTestId('mfa-status').textContent()).toContain('Off');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expect(page.getByRole('img', { name: /QR code/ }).isVisible()).resolves.toBe(true);
    await check(page, 'security-setup');
    await page.getByLabel('Code from the app').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => page.getByTestId('mfa-status').textContent()).toContain('On');
    await check(page, 'security');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByLabel('E-mail').fill('henry@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
    await signIn.click();
    await page.getByLabel('Authenticator code').fill(totp(secret, Date.now() - 3_600_000));
    await signIn.click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That code is not right');
    await page.getByLabel('Authenticator code').fill(totp(secret));
    await signIn.click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Keys');
    expect(await page.locator('header').textContent()).toContain('henry@example.com');
  }, 60_000);

  it("signs in through the organisation's identity provider under the page's own CSP, opening an account with its first key", async () => {
    // No CSP bypass here: the token exchange must be allowed by the policy the page is served with.
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(t.gw.url);
    await page.getByRole('button', { name: 'Sign in with ExampleSSO' }).click();
    await page.getByLabel('Sign in as (e-mail)').fill('ida@acme.example');
    await page.getByRole('button', { name: 'Continue' }).click();
    const secret = (await page.getByTestId('secret').first().textContent())!.trim();
    expect(secret).toMatch(/^op_/);
    // The code and state are gone from the address bar.
    expect(new URL(page.url()).search).toBe('');
    await expect(sdk(t.gw, secret).models.list()).resolves.toBeDefined();
    await nav(page, 'Security');
    await expect.poll(() => page.locator('main').textContent()).toContain('You sign in through ExampleSSO');

    // A return this tab did not start (a forged or replayed callback) signs nobody in.
    const other = await context.newPage();
    await other.goto(`${t.gw.url}/?code=forged&state=forged`);
    await expect.poll(() => other.getByRole('alert').textContent()).toContain('not started from this tab');
    await context.close();
  }, 60_000);
});
