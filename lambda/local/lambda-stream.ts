// Lambda's response-streaming protocol, both ways:
// - `installLambdaGlobals` provides `awslambda.streamifyResponse` and `awslambda.HttpResponseStream.from`
//   with the runtime client's semantics: the JSON prelude {"statusCode", "headers", "cookies"} and eight NUL
//   bytes go out just before the first `write()`, then the body follows as written. As in the runtime
//   client, only `write` is hooked: bytes given to `end(chunk)` with no write before carry no prelude.
// - `PreludeDecoder` turns those bytes back into a status, headers and a body, as the function URL front
//   end does. The local runtime and the runtime-API emulator both decode with it.
import { Writable } from 'node:stream';

export interface Prelude {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
}

const DELIMITER_LENGTH = 8;
export const STREAMING_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

interface ContentTyped {
  setContentType?: (type: string) => void;
}

export function installLambdaGlobals(): void {
  // The AWS SDK may already have put its own members (InvokeStore) on the global: add ours beside them.
  const g = globalThis as unknown as { awslambda?: Record<string, unknown> };
  const target = (g.awslambda ??= {});
  if (target.streamifyResponse) return;
  Object.assign(target, {
    streamifyResponse: <T>(handler: T): T => handler,
    HttpResponseStream: {
      from(stream: Writable & ContentTyped, prelude: Partial<Prelude>): Writable {
        stream.setContentType?.(STREAMING_CONTENT_TYPE);
        const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
        let first = true;
        stream.write = ((...args: unknown[]) => {
          if (first) {
            first = false;
            write(JSON.stringify(prelude));
            write(new Uint8Array(DELIMITER_LENGTH));
          }
          return write(...args);
        }) as typeof stream.write;
        return stream;
      },
    },
  });
}

/** Parses prelude + NUL delimiter from the start of a byte stream, then passes the body through. */
export class PreludeDecoder {
  private head: Buffer[] = [];
  private headLength = 0;
  private prelude?: Prelude;

  constructor(
    private readonly onPrelude: (prelude: Prelude) => void,
    private readonly onBody: (bytes: Buffer) => void,
  ) {}

  /** True once the prelude has been seen. */
  get started(): boolean {
    return this.prelude !== undefined;
  }

  write(chunk: Buffer): void {
    if (this.prelude) {
      if (chunk.length) this.onBody(chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    const all = Buffer.concat(this.head, this.headLength);
    const at = findDelimiter(all);
    if (at === -1) return;
    const parsed = JSON.parse(all.subarray(0, at).toString('utf8')) as Partial<Prelude>;
    this.prelude = { statusCode: parsed.statusCode ?? 200, headers: parsed.headers ?? {}, cookies: parsed.cookies };
    this.head = [];
    this.onPrelude(this.prelude);
    const rest = all.subarray(at + DELIMITER_LENGTH);
    if (rest.length) this.onBody(rest);
  }
}

function findDelimiter(buf: Buffer): number {
  let run = 0;
  for (let i = 0; i < buf.length; i++) {
    run = buf[i] === 0 ? run + 1 : 0;
    if (run === DELIMITER_LENGTH) return i - DELIMITER_LENGTH + 1;
  }
  return -1;
}

/** The stream a streaming handler writes to, as Lambda hands it over: bytes go to `sink`. */
export function responseStreamTo(sink: { write(b: Buffer, cb: () => void): void; end(): void }): Writable & ContentTyped {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      sink.write(chunk, cb);
    },
    final(cb) {
      sink.end();
      cb();
    },
  }) as Writable & ContentTyped;
  stream.setContentType = () => undefined;
  return stream;
}
