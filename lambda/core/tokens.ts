// Prompt-size estimates for admission, routing and count_tokens where no provider counts, made before any
// upstream call. They only need to be close and never far below the truth: ~4 characters per token for text
// (OpenAI's rule of thumb), a fixed overhead per message for role framing, a flat cost per image (a
// high-detail 1024x1024 tile set) and per document page budget. Client JSON reaching here is depth-checked
// (wire/json.ts), so serialising schemas cannot overflow.
import type { Message } from './canonical/content';
import type { CanonicalRequest } from './canonical/request';

const CHARS_PER_TOKEN = 4;
const PER_MESSAGE = 4;
const PER_IMAGE = 765;
/** A PDF is billed per page as text plus an image; without parsing it, assume a few pages' worth. */
const PER_DOCUMENT = 3_000;

function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function messageTokens(m: Message): number {
  let total = PER_MESSAGE;
  for (const p of m.content) {
    switch (p.type) {
      case 'text':
        total += textTokens(p.text);
        break;
      case 'image':
        total += PER_IMAGE;
        break;
      case 'document':
        total += PER_DOCUMENT;
        break;
      case 'reasoning':
        total += textTokens(p.text) + textTokens(p.encrypted ?? '') / 4;
        break;
      case 'tool-call':
        total += textTokens(p.name + p.arguments);
        break;
      case 'tool-result':
        for (const c of p.content) total += c.type === 'text' ? textTokens(c.text) : PER_IMAGE;
        break;
    }
  }
  return total;
}

export function estimatePromptTokens(request: CanonicalRequest): number {
  let total = 3;
  for (const m of request.messages) total += messageTokens(m);
  for (const t of request.tools ?? []) total += textTokens(t.name + (t.description ?? '') + JSON.stringify(t.parameters));
  if (request.output?.type === 'json_schema') total += textTokens(JSON.stringify(request.output.schema));
  return Math.ceil(total);
}
