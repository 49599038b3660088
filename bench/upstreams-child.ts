// The benchmark's stand-ins for what is remote in AWS, in a process of their own so their CPU is not
// counted as the gateway's: DynamoDB (dynalite) and the provider simulator, unpaced.
import { startDynalite } from '../lambda/local/dynalite';
import { SIM_PROTOCOLS, startSimulator } from '../lambda/local/simulator';

const dynamo = await startDynalite();
const simulator = await startSimulator({ protocols: SIM_PROTOCOLS });
process.send?.({ kind: 'ready', dynamoEndpoint: dynamo.endpoint, simulatorUrl: simulator.url });
// The runner owns this process: when it goes away (or says so), so does this.
process.on('disconnect', () => process.exit(0));
let cpuAtReset = process.cpuUsage();
process.on('message', (m: { kind: string; id?: number }) => {
  if (m.kind === 'reset') {
    cpuAtReset = process.cpuUsage();
    process.send?.({ kind: 'reset', id: m.id });
  }
  // CPU of dynalite and the simulator together: shows when they, not the gateway, are the bottleneck.
  if (m.kind === 'metrics') {
    const cpu = process.cpuUsage(cpuAtReset);
    process.send?.({ kind: 'metrics', id: m.id, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  if (m.kind === 'stop') void Promise.all([simulator.close(), dynamo.close()]).then(() => process.exit(0));
});
