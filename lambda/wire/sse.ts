// Server-sent events, in layers: bytes -> lines -> events (decode), and one event -> bytes (encode).
// Decoding follows the WHATWG rules: lines end in \n, \r\n or \r; a blank line dispatches the event;
// "data:" lines join with \n; a leading space after the colon is dropped; comments start with ":".

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Bytes to lines, without the line terminators. A chunk may end mid-line or mid-character. */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let pendingCr = false;
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch === 10 /* \n */) {
        if (pendingCr && i === start) {
          pendingCr = false;
          start = i + 1;
          continue;
        }
        pendingCr = false;
        yield buffer.slice(start, i);
        start = i + 1;
      } else if (ch === 13 /* \r */) {
        pendingCr = true;
        yield buffer.slice(start, i);
        start = i + 1;
      } else {
        pendingCr = false;
      }
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) yield buffer;
}

/** Lines to events. An event with no data lines is not dispatched. */
export async function* events(source: AsyncIterable<string>): AsyncGenerator<SseEvent> {
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  for await (const line of source) {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n'), id };
      data = [];
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  if (data.length > 0) yield { event, data: data.join('\n'), id };
}

/** Bytes straight to events. */
export function decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  return events(lines(body));
}

/** One event: an `event:` line when the protocol names its events (Anthropic, Responses), then the data. */
export function encodeSseEvent(data: unknown, name?: string): string {
  return `${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
