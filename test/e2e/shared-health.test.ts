// Breaker state is shared across instances: two `npm start` processes on one dynalite and one simulator,
// as Lambda instances share DynamoDB. One discovers the outage; the other then skips the route without
// calling it; after the cooldown a single probe (claimed by one of them) closes it for both.
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { SIM_PROTOCOLS, startSimulator, type Simulator } from '../../lambda/local/simulator';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createDocumentClient } from '../../lambda/store/dynamo';
import { DynamoHealthStore } from '../../lambda/store/health-store';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway';

const CACHE_MS = 300;
const COOLDOWN_MS = 2_000;
const ROUTE = 'anthropic#claude-sonnet-4-20250514';
let dynamo: LocalDynamo;
let simulator: Simulator;
let store: DynamoHealthStore;
let a: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  dynamo = await startDynalite();
  simulator = await startSimulator({ protocols: SIM_PROTOCOLS });
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = new DynamoHealthStore(createDocumentClient(config), config.tables.counters);
  const env = { OP_HEALTH_CACHE_MS: String(CACHE_MS), OP_HEALTH_FLUSH_MS: '200', OP_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS), OP_LOG_LEVEL: 'SILENT' };
  const spawn = () => spawnGateway({ dynamoEndpoint: dynamo.endpoint, simulatorUrl: simulator.url, env });
  [a, b] = await Promise.all([spawn(), spawn()]);
});
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await simulator?.close();
  await dynamo?.close();
});

const clientOf = (g: GatewayProcess) => new OpenAI({ baseURL: g.baseUrl, apiKey: g.apiKey, maxRetries: 0 });

async function attempts(g: GatewayProcess, model = 'claude-sonnet-4'): Promise<string | null> {
  const { response } = await clientOf(g).chat.completions.create({ model, messages: [{ role: 'user', content: 'status?' }] }).withResponse();
  return response.headers.get('x-op-attempts');
}

const phase = async () => (await store.load([ROUTE])).get(ROUTE)?.breaker.phase ?? 'closed';

/** Lets a process notice its cached records are stale and re-read them (in the background, as always). */
async function refresh(g: GatewayProcess): Promise<void> {
  await sleep(CACHE_MS + 50);
  await attempts(g, 'gpt-5-nano');
  await sleep(200);
}

describe('provider health shared through DynamoDB', () => {
  it('one process discovers the outage, the other skips the route, one probe closes it for both', async () => {
    simulator.configure('anthropic', { fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 5; i++) expect(await attempts(a)).toBe('anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok');
    await expect.poll(phase, { timeout: 5_000 }).toBe('open');
    expect(simulator.stats('anthropic').requests).toBe(5);

    // B never saw anthropic fail, yet it does not call it.
    await refresh(b);
    expect(await attempts(b)).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    expect(await attempts(b)).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    expect(simulator.stats('anthropic').requests).toBe(5);

    // Recovery: after the cooldown B claims the probe (A cannot take it too), B's probe closes the route.
    simulator.configure('anthropic', { fault: undefined });
    await sleep(COOLDOWN_MS);
    expect(await attempts(b)).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    await expect.poll(phase, { timeout: 5_000 }).toBe('half-open');
    expect(await attempts(a)).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    expect(await attempts(b)).toBe('anthropic/claude-sonnet-4=ok');
    expect(simulator.stats('anthropic').requests).toBe(6);
    await expect.poll(phase, { timeout: 5_000 }).toBe('closed');
    await refresh(a);
    expect(await attempts(a)).toBe('anthropic/claude-sonnet-4=ok');
  });
});
