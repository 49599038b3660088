// The benchmark's stand-ins for what is remote in AWS, in a process of their own so their CPU is not
// counted as the gateway's: DynamoDB (dynalite) and the provider simulator, unpaced.
// The usage aggregator runs here too, on the counters stream, as AWS runs it beside the table: its writes
// are counted apart from the gateway's.
import { loadConfig } from '../lambda/config';
import { systemClock } from '../lambda/core/clock';
import { startDynalite } from '../lambda/local/dynalite';
import { SIM_PROTOCOLS, startSimulator } from '../lambda/local/simulator';
import { startUsageStream } from '../lambda/local/usage-stream';
import { ensureTables } from '../lambda/store/bootstrap';
import { createStore } from '../lambda/store/dynamo';

const dynamo = await startDynalite();
const simulator = await startSimulator({ protocols: SIM_PROTOCOLS });
const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
await ensureTables(config);
const store = createStore(config);
let batches = 0;
let aggregatorMs = 0;
const aggregator = startUsageStream(dynamo.streams, config, store.usage, systemClock, (ms) => {
  batches++;
  aggregatorMs += ms;
});
process.send?.({ kind: 'ready', dynamoEndpoint: dynamo.endpoint, simulatorUrl: simulator.url });
// The runner owns this process: when it goes away (or says so), so does this.
process.on('disconnect', () => process.exit(0));
let cpuAtReset = process.cpuUsage();
process.on('message', (m: { kind: string; id?: number }) => {
  if (m.kind === 'reset') {
    cpuAtReset = process.cpuUsage();
    store.requests?.reset();
    batches = 0;
    aggregatorMs = 0;
    process.send?.({ kind: 'reset', id: m.id });
  }
  if (m.kind === 'drain') void aggregator.drained().then(() => process.send?.({ kind: 'drain', id: m.id, aggregator: { counts: store.requests?.snapshot() ?? {}, batches, ms: aggregatorMs } }));
  // CPU of dynalite and the simulator together: shows when they, not the gateway, are the bottleneck.
  if (m.kind === 'metrics') {
    const cpu = process.cpuUsage(cpuAtReset);
    process.send?.({ kind: 'metrics', id: m.id, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (m.kind === 'stop') {
    aggregator.close();
    void Promise.all([simulator.close(), dynamo.close()]).then(() => process.exit(0));
  }
});
