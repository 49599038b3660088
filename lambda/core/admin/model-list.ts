// `allowed_models` in admin bodies: catalog ids (an alias is stored as the id it names, so a list cannot be
// dodged by the id's other spellings) and `*` patterns, each of which must match a model of the catalog
// now, so a typo is a 400 rather than a key that can use nothing. null means every model.
import { quote } from '../../wire/json';
import type { Catalog } from '../catalog';
import { entryMatcher, isEntry } from '../model-access';
import { fail } from './fields';

export const MAX_MODEL_ENTRIES = 100;
const PARAM = 'allowed_models';

export function parseAllowedModels(value: unknown, catalog: Catalog): string[] {
  if (!Array.isArray(value)) return fail(`'${PARAM}' must be an array of model ids or patterns such as "claude-*", or null for every model.`, PARAM, 'invalid_type');
  if (value.length === 0) return fail(`'${PARAM}' is empty, which would allow no model; use null to allow every model.`, PARAM);
  if (value.length > MAX_MODEL_ENTRIES) return fail(`'${PARAM}' may hold at most ${MAX_MODEL_ENTRIES} entries.`, PARAM);
  const out: string[] = [];
  value.forEach((entry: unknown, i) => {
    const param = `${PARAM}[${i}]`;
    if (typeof entry !== 'string') return fail(`'${param}' must be a string.`, param, 'invalid_type');
    const trimmed = entry.trim().toLowerCase();
    if (!isEntry(trimmed)) return fail(`'${param}' is not a model id or pattern (letters, digits, '.', '-', '_', ':', '/' and '*'): '${quote(entry, 60)}'.`, param);
    let id = trimmed;
    if (trimmed.includes('*')) {
      const matches = entryMatcher(trimmed);
      if (!catalog.models.some((m) => matches(m.id))) return fail(`'${param}' ('${quote(entry, 60)}') matches no model in the catalog.`, param);
    } else {
      const model = catalog.find(trimmed);
      if (!model) return fail(`'${param}': the model '${quote(entry, 60)}' does not exist in the catalog.`, param, 'model_not_found');
      id = model.id;
    }
    if (!out.includes(id)) out.push(id);
  });
  return out;
}
