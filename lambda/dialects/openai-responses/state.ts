// Conversation state of the Responses API, kept by the gateway itself (OpenAI is always called with store:
// false): a stored response holds its turn (input and output, canonical), so `previous_response_id`
// continues from it and `item_reference` finds its items. A response is visible only to keys of the account
// that created it; to any other it does not exist (404).
import type { AssistantPart, Message } from '../../core/canonical/content';
import type { ResponseStore, StoredResponse } from '../../core/records';
import { NotFoundError } from '../../wire/errors';
import { quote } from '../../wire/json';
import { parseItemId, outputItems } from './items';

/** How far back previous_response_id is followed; older turns are left out of the conversation. */
export const MAX_CHAIN = 100;

export async function ownResponse(store: ResponseStore, accountId: string, id: string): Promise<StoredResponse | undefined> {
  if (!/^resp_[A-Za-z0-9]{1,64}$/.test(id)) return undefined;
  const found = await store.get(id);
  return found && found.accountId === accountId ? found : undefined;
}

export function responseNotFound(id: string, param: string | null = null): NotFoundError {
  return new NotFoundError(`No response found with id '${quote(id)}'.`, { param, code: 'response_not_found' });
}

/**
 * The conversation so far, oldest first, ending with the turn of `previousId`. A missing previous response
 * is a 404 naming previous_response_id; an ancestor that has expired ends the walk (its turns are gone).
 */
export async function history(store: ResponseStore, accountId: string, previousId: string): Promise<Message[]> {
  const turns: StoredResponse[] = [];
  let id: string | undefined = previousId;
  while (id && turns.length < MAX_CHAIN) {
    const found = await ownResponse(store, accountId, id);
    if (!found) {
      if (turns.length === 0) throw responseNotFound(id, 'previous_response_id');
      break;
    }
    turns.push(found);
    id = found.previousResponseId;
  }
  return turns.reverse().flatMap((t) => [...t.input, ...(t.output.length ? [{ role: 'assistant' as const, content: t.output }] : [])]);
}

/** Resolves `item_reference` ids to the stored output items of this account's responses. */
export function itemResolver(store: ResponseStore, accountId: string): (id: string) => Promise<AssistantPart[] | undefined> {
  return async (id) => {
    const ref = parseItemId(id);
    if (!ref) return undefined;
    const found = await ownResponse(store, accountId, ref.responseId);
    if (!found) return undefined;
    return outputItems(found.output, found.id, false).parts[ref.n];
  };
}
