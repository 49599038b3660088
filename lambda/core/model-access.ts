// Which catalog models a key may use: the intersection of its own `allowedModels` and its account's (absent
// means every model). Entries are catalog ids, stored canonical (the admin API resolves aliases when they
// are written), or patterns where `*` stands for any run of characters (`claude-*`, `gpt-5*`). Matching is
// on the model's id after alias resolution, so no alias or dated id names its way around a list.
import { PermissionDeniedError } from '../wire/errors';
import { quote } from '../wire/json';
import type { AuthContext } from './auth';
import type { ModelSpec } from './catalog';

/** An entry holds the characters of catalog ids, and `*`, and names something besides `*`. */
export const isEntry = (entry: string): boolean => entry.length <= 100 && /^[a-z0-9._:/*-]+$/i.test(entry) && /[a-z0-9]/i.test(entry);

export interface ModelAccess {
  allows(model: ModelSpec): boolean;
  /** Whether a list restricts anything at all (logs, errors say "this key's allowlist"). */
  readonly restricted: boolean;
}

const EVERYTHING: ModelAccess = { allows: () => true, restricted: false };

/** One entry as a test on a model id (ids are lower case). */
export function entryMatcher(entry: string): (id: string) => boolean {
  const e = entry.toLowerCase();
  if (!e.includes('*')) return (id) => id === e;
  const escaped = e.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  const re = new RegExp(`^${escaped.join('.*')}$`);
  return (id) => re.test(id);
}

function listTest(entries: readonly string[] | undefined): ((id: string) => boolean) | undefined {
  if (!entries) return undefined;
  const tests = entries.map(entryMatcher);
  return (id) => tests.some((t) => t(id));
}

const compiled = new WeakMap<AuthContext, ModelAccess>();

/** The key's effective access, compiled once per authenticated context (auth caches those). */
export function modelAccess(auth: AuthContext): ModelAccess {
  let access = compiled.get(auth);
  if (!access) {
    const key = listTest(auth.key.allowedModels);
    const account = listTest(auth.account.allowedModels);
    access = !key && !account ? EVERYTHING : { allows: (m) => (key?.(m.id.toLowerCase()) ?? true) && (account?.(m.id.toLowerCase()) ?? true), restricted: true };
    compiled.set(auth, access);
  }
  return access;
}

/** 403 model_not_allowed, naming the model as asked for and, when an alias, what it resolved to. */
export function modelNotAllowed(requested: string, model: ModelSpec): PermissionDeniedError {
  const named = requested.toLowerCase() === model.id ? `'${model.id}'` : `'${quote(requested)}' (${model.id})`;
  return new PermissionDeniedError(`The model ${named} is not allowed for this API key: its key or account allowlist (allowed_models) does not include it.`, {
    param: 'model',
    code: 'model_not_allowed',
  });
}
