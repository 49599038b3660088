// Client JSON, bounded. JSON.parse itself is iterative, but everything after it (JSON.stringify of an
// upstream body, schema translation, token estimates) walks values recursively, and a body nested a few
// thousand levels deep would overflow the stack there. So every body is checked once, right after parsing,
// by an iterative walk: nothing deeper than MAX_JSON_DEPTH ever reaches code that recurses.
// Client input quoted back in messages and logs is cut to a short prefix (quote()).
import { BadRequestError } from './errors';

/** Containers (objects and arrays) nested inside one another, counting the body itself as level 1. */
export const MAX_JSON_DEPTH = 64;
/** Client text repeated in an error message or a log line is cut to this many characters. */
export const MAX_QUOTED_CHARS = 100;

/** `text` as it may appear inside a message: at most MAX_QUOTED_CHARS characters, cut with an ellipsis. */
export function quote(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  // Never cut between the two halves of a surrogate pair.
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/** A property path in OpenAI's style ("tools[0].function.parameters"), built from keys and indexes. */
export function pathOf(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${quote(s, 40)}` : quote(s, 40);
  }
  return out;
}

/**
 * The path to the first container nested deeper than `maxDepth`, or undefined. The recursion goes at most
 * maxDepth + 1 frames deep, whatever the input (it stops at the first offender).
 */
export function tooDeep(value: unknown, maxDepth = MAX_JSON_DEPTH): Array<string | number> | undefined {
  // Depth first, allocating nothing on the way: a body within the bound (nearly all) costs one walk.
  const walk = (node: unknown, depth: number): Array<string | number> | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    if (depth > maxDepth) return [];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const deeper = walk(node[i], depth + 1);
        if (deeper) return [i, ...deeper];
      }
      return undefined;
    }
    for (const key in node) {
      const deeper = walk((node as Record<string, unknown>)[key], depth + 1);
      if (deeper) return [key, ...deeper];
    }
    return undefined;
  };
  return walk(value, 1);
}

/**
 * Parses a request body: 400 `invalid_json` for anything that is not JSON, 400 naming the field for JSON
 * nested deeper than MAX_JSON_DEPTH. `what` names the API in the message ("The OpenAI API"); `fields` are
 * the dialect's fields that hold client JSON (schemas), matched at the start of the offending path to name
 * the field; without a match the first two segments name it.
 */
export function parseJsonBody(raw: string | undefined, what: string, fields: readonly RegExp[] = []): unknown {
  let body: unknown;
  try {
    body = JSON.parse(raw ?? '');
  } catch {
    throw new BadRequestError(`We could not parse the JSON body of your request. ${what} expects a JSON payload.`, { code: 'invalid_json' });
  }
  const deep = tooDeep(body);
  if (deep) {
    const full = pathOf(deep);
    const field = fields.map((f) => f.exec(full)?.[0]).find(Boolean) ?? (pathOf(deep.slice(0, 2)) || 'body');
    throw new BadRequestError(`'${field}' is nested deeper than ${MAX_JSON_DEPTH} levels, the most this gateway accepts.`, {
      param: field,
      code: 'nesting_too_deep',
    });
  }
  return body;
}
