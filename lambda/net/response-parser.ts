// HTTP/1.1 response framing (RFC 9112), bytes in, head and body chunks out: the one place the gateway's
// outbound client parses what comes back. Pure: no sockets, so every split of the bytes can be tested.
//
// Invariants: body bytes are handed on as views of the input (no copy) except where a chunk-size line or the
// head straddles two inputs; `done` is reported exactly once, after the last body byte; anything after the
// end of a message is surplus (this client never pipelines, so it means the connection is not reusable).

export interface ResponseHead {
  status: number;
  /** Header names in lower case; repeated headers joined with ", " (set-cookie is never needed here). */
  headers: Map<string, string>;
  /** The server will keep the connection open after this message. */
  keepAlive: boolean;
}

export interface ParserEvents {
  head(head: ResponseHead): void;
  data(chunk: Uint8Array): void;
  done(): void;
}

/** The peer broke the protocol: the connection cannot be trusted further. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** A head larger than this is refused (Node's own default limit is 16 KB; providers send about 1 KB). */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State =
  | { kind: 'head' }
  | { kind: 'length'; left: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; left: number }
  | { kind: 'chunk-crlf' }
  | { kind: 'trailers' }
  | { kind: 'until-close' }
  | { kind: 'done' };

export class ResponseParser {
  private state: State = { kind: 'head' };
  /** Bytes kept from an earlier input: an incomplete head, chunk-size line or trailer section. */
  private pending: Buffer | undefined;

  /** @param noBody the request was HEAD: whatever the head says, no body follows. */
  constructor(
    private readonly events: ParserEvents,
    private readonly noBody = false,
  ) {}

  get finished(): boolean {
    return this.state.kind === 'done';
  }

  /** The body runs until the connection closes: the close is its end. */
  get endsAtClose(): boolean {
    return this.state.kind === 'until-close';
  }

  /** Feeds bytes; returns how many were surplus after the message's end (0 unless the peer misbehaved). */
  push(input: Buffer): number {
    const buf = this.pending ? Buffer.concat([this.pending, input]) : input;
    this.pending = undefined;
    let at = 0;
    while (at < buf.length) {
      const s = this.state;
      if (s.kind === 'done') return buf.length - at;
      if (s.kind === 'head' || s.kind === 'chunk-size' || s.kind === 'trailers') {
        const needle = s.kind === 'head' ? HEAD_END : CRLF;
        const end = buf.indexOf(needle, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) throw new ProtocolError('response head too large');
          this.pending = buf.subarray(at);
          return 0;
        }
        const text = buf.toString('latin1', at, end);
        at = end + needle.length;
        if (s.kind === 'head') this.onHead(text);
        else if (s.kind === 'chunk-size') this.onChunkSize(text);
        else if (text === '') this.finish();
        continue;
      }
      if (s.kind === 'chunk-crlf') {
        if (buf.length - at < 2) {
          this.pending = buf.subarray(at);
          return 0;
        }
        if (buf[at] !== 13 || buf[at + 1] !== 10) throw new ProtocolError('chunk not followed by CRLF');
        at += 2;
        this.state = { kind: 'chunk-size' };
        continue;
      }
      const take = s.kind === 'until-close' ? buf.length - at : Math.min(s.left, buf.length - at);
      this.events.data(buf.subarray(at, at + take));
      at += take;
      if (s.kind === 'length') {
        s.left -= take;
        if (s.left === 0) this.finish();
      } else if (s.kind === 'chunk-data') {
        s.left -= take;
        if (s.left === 0) this.state = { kind: 'chunk-crlf' };
      }
    }
    return 0;
  }

  /** The connection closed: a body that runs until close ends here; any other unfinished message is cut. */
  close(): void {
    if (this.state.kind === 'until-close') this.finish();
    else if (this.state.kind !== 'done') throw new ProtocolError(this.state.kind === 'head' ? 'connection closed before a response' : 'connection closed mid-body');
  }

  private onHead(text: string): void {
    const lines = text.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine) throw new ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const status = Number(statusLine[2]);
    // Informational answers (100 Continue, 103 Early Hints) precede the real one.
    if (status >= 100 && status < 200 && status !== 101) return;
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError('malformed header line');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const before = headers.get(name);
      headers.set(name, before === undefined ? value : `${before}, ${value}`);
    }
    const connection = headers.get('connection')?.toLowerCase() ?? '';
    const keepAlive = statusLine[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.events.head({ status, headers, keepAlive });
    const encoding = headers.get('transfer-encoding')?.toLowerCase();
    const length = headers.get('content-length');
    if (this.noBody || status === 204 || status === 304) this.finish();
    else if (encoding !== undefined) {
      if (!/(^|,)\s*chunked\s*$/.test(encoding)) throw new ProtocolError(`unsupported transfer-encoding: ${encoding}`);
      this.state = { kind: 'chunk-size' };
    } else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new ProtocolError('invalid content-length');
      const left = Number(length);
      if (left === 0) this.finish();
      else this.state = { kind: 'length', left };
    } else this.state = { kind: 'until-close' };
  }

  private onChunkSize(line: string): void {
    const size = /^([0-9a-fA-F]{1,8})[ \t]*(;.*)?$/.exec(line);
    if (!size) throw new ProtocolError('invalid chunk size');
    const left = Number.parseInt(size[1] as string, 16);
    this.state = left === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left };
  }

  private finish(): void {
    this.state = { kind: 'done' };
    this.events.done();
  }
}
