// Embedded DynamoDB for the local runtime and tests: dynalite speaks DynamoDB's wire protocol, so the same
// store code runs here and in AWS. Persisted under a folder by default; in memory when no path is given.
// In front of it, the stream proxy (dynamo-streams.ts) adds what dynalite lacks: DynamoDB Streams.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startStreamProxy, type LocalStreams } from './dynamo-streams';

export interface LocalDynamo {
  endpoint: string;
  streams: LocalStreams;
  close(): Promise<void>;
}

export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server: Server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const proxy = await startStreamProxy(`http://127.0.0.1:${port}`, options.port);
  return {
    endpoint: proxy.endpoint,
    streams: proxy,
    close: async () => {
      await proxy.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
