// DynamoDB Streams for dynalite, which has none: a loopback proxy in front of it that, for the tables whose
// stream is enabled, turns every successful write into a stream record (NEW_IMAGE view) and hands it to
// the table's subscribers, in the order the writes were applied. Writes to one item pass one at a time so
// that order is the order DynamoDB itself would record. The proxy asks for the item image it needs
// (ReturnValues ALL_NEW) and gives the client only what it asked for.
//
// Approximations, documented: an UpdateItem is always a MODIFY (DynamoDB says INSERT when it created the
// item), and an UpdateItem that asked for UPDATED_*/ALL_OLD values streams without a new image.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import type { DynamoDBRecord } from 'aws-lambda';

type Raw = Record<string, Record<string, unknown>>;
export type StreamListener = (record: DynamoDBRecord) => void;

export interface LocalStreams {
  /** Starts recording the table's writes; idempotent. */
  enable(table: string): void;
  subscribe(table: string, listener: StreamListener): () => void;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const REGION = 'local';

export interface StreamProxy extends LocalStreams {
  endpoint: string;
  close(): Promise<void>;
}

export async function startStreamProxy(target: string, port = 0): Promise<StreamProxy> {
  const enabled = new Set<string>();
  const listeners = new Map<string, Set<StreamListener>>();
  /** The tail of each item's chain of writes: the next write to the item waits for it. */
  const itemTails = new Map<string, Promise<void>>();
  let sequence = 0;
  const upstream = new URL(target);

  const emit = (table: string, eventName: DynamoDBRecord['eventName'], keys: Raw, image: Raw | undefined) => {
    const subs = listeners.get(table);
    if (!subs?.size) return;
    sequence++;
    const record: DynamoDBRecord = {
      eventID: `local-${sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: `arn:aws:dynamodb:${REGION}:000000000000:table/${table}/stream/local`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
        ...(image ? { NewImage: image as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: Buffer.byteLength(JSON.stringify(image ?? keys)),
        StreamViewType: 'NEW_IMAGE',
      },
    };
    for (const l of subs) l(record);
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...(req.headers as Record<string, string>), 'content-length': String(body.length) };
      const out = httpRequest({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const reply = (res: ServerResponse, answer: { status: number; headers: Record<string, string>; body: Buffer }) => {
    const headers: Record<string, string> = { ...answer.headers, 'content-length': String(answer.body.length), 'x-amz-crc32': String(crc32(answer.body)) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  /** A write to a stream-enabled table: forwarded in its item's turn, recorded when it succeeded. */
  const streamed = async (operation: string, input: Record<string, unknown>, req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> => {
    const table = String(input.TableName);
    if (operation === 'BatchWriteItem') {
      const answer = await forward(req, Buffer.from(JSON.stringify(input)));
      if (answer.status !== 200) return answer;
      const unprocessed = (JSON.parse(answer.body.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems ?? {};
      const items = input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Raw }; DeleteRequest?: { Key: Raw } }>>;
      for (const [name, writes] of Object.entries(items)) {
        if (!enabled.has(name) || unprocessed[name]?.length) continue;
        for (const w of writes) {
          if (w.PutRequest) emit(name, 'INSERT', keysOf(w.PutRequest.Item), w.PutRequest.Item);
          else if (w.DeleteRequest) emit(name, 'REMOVE', w.DeleteRequest.Key, undefined);
        }
      }
      return answer;
    }
    const key = operation === 'PutItem' ? keysOf(input.Item as Raw) : (input.Key as Raw);
    const item = `${table}|${JSON.stringify(key)}`;
    const before = itemTails.get(item) ?? Promise.resolve();
    let done!: () => void;
    const tail = new Promise<void>((resolve) => (done = resolve));
    itemTails.set(item, tail);
    await before;
    try {
      const asked = String(input.ReturnValues ?? 'NONE');
      const wantsImage = operation === 'UpdateItem' && (asked === 'NONE' || asked === 'ALL_NEW');
      const answer = await forward(req, Buffer.from(JSON.stringify(wantsImage ? { ...input, ReturnValues: 'ALL_NEW' } : input)));
      if (answer.status !== 200) return answer;
      if (operation === 'PutItem') emit(table, 'INSERT', key, input.Item as Raw);
      else if (operation === 'DeleteItem') emit(table, 'REMOVE', key, undefined);
      else {
        const parsed = JSON.parse(answer.body.toString('utf8')) as { Attributes?: Raw };
        emit(table, 'MODIFY', key, wantsImage ? parsed.Attributes : undefined);
        if (wantsImage && asked === 'NONE') {
          delete parsed.Attributes;
          return { ...answer, body: Buffer.from(JSON.stringify(parsed)) };
        }
      }
      return answer;
    } finally {
      done();
      if (itemTails.get(item) === tail) itemTails.delete(item);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let input: Record<string, unknown> | undefined;
      if (WRITES.has(operation) && enabled.size) {
        try {
          input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          input = undefined;
        }
      }
      const touches = input && (operation === 'BatchWriteItem' ? Object.keys((input.RequestItems as object) ?? {}).some((t) => enabled.has(t)) : enabled.has(String(input.TableName)));
      const answer = touches ? streamed(operation, input!, req) : forward(req, body);
      answer.then(
        (a) => reply(res, a),
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    enable: (table) => void enabled.add(table),
    subscribe(table, listener) {
      const set = listeners.get(table) ?? new Set<StreamListener>();
      set.add(listener);
      listeners.set(table, set);
      return () => set.delete(listener);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The key attributes of an item: every table here is keyed by pk and sk. */
function keysOf(item: Raw): Raw {
  return { pk: item.pk!, sk: item.sk! } as Raw;
}
