// The catalog through the admin API: list, show, add, change (reprice, reroute, deprecate, retire), delete.
// Every change is checked against the whole catalog first (ids and aliases unique, the successor a model
// that serves), audited, written, and this instance's copy reloaded; other instances follow within their
// refresh bound (OP_CATALOG_REFRESH_MS).
import { BadRequestError, ConflictError, NotFoundError } from '../../wire/errors';
import { quote } from '../../wire/json';
import { SEED_MODELS, seedEntries, type CatalogEntry } from '../catalog';
import { audit, wireFields, type AdminContext } from './context';
import { jsonObject } from './fields';
import { modelAdminView, parseModel, type ModelFields } from './model-wire';

/** The catalog as stored, writing the seed first if it never was (so a change starts from the defaults). */
async function entries(ctx: AdminContext): Promise<CatalogEntry[]> {
  const stored = await ctx.store.catalog.load();
  if (stored) return stored;
  await ctx.store.catalog.seed(seedEntries(SEED_MODELS, new Date(ctx.clock.now()).toISOString()));
  return (await ctx.store.catalog.load()) ?? [];
}

function find(all: readonly CatalogEntry[], id: string): CatalogEntry {
  const entry = all.find((e) => e.spec.id === id.toLowerCase());
  if (!entry) throw new NotFoundError(`No model with id '${quote(id, 100)}' in the catalog.`, { code: 'model_not_found' });
  return entry;
}

/** Ids and aliases are unique across the catalog (case-insensitive); the successor must serve. */
function checkAgainst(all: readonly CatalogEntry[], fields: ModelFields): void {
  const others = all.filter((e) => e.spec.id !== fields.spec.id);
  const taken = new Map<string, string>();
  for (const e of others) for (const name of [e.spec.id, ...e.spec.aliases]) taken.set(name.toLowerCase(), e.spec.id);
  const idOwner = taken.get(fields.spec.id);
  if (idOwner) throw new ConflictError(`'${fields.spec.id}' is already an alias of ${idOwner}.`, { param: 'id', code: 'model_exists' });
  fields.spec.aliases.forEach((alias, i) => {
    const owner = taken.get(alias.toLowerCase());
    if (owner) throw new BadRequestError(`'aliases[${i}]' ('${alias}') already names ${owner}.`, { param: `aliases[${i}]`, code: 'invalid_value' });
  });
  if (fields.successor) {
    const successor = others.find((e) => e.spec.id === fields.successor);
    if (!successor) throw new BadRequestError(`'successor': no model '${fields.successor}' in the catalog.`, { param: 'successor', code: 'model_not_found' });
    if (successor.status === 'retired') throw new BadRequestError(`'successor': ${successor.spec.id} is retired itself.`, { param: 'successor', code: 'invalid_value' });
  }
}

function entryOf(fields: ModelFields, at: string): CatalogEntry {
  return { spec: fields.spec, status: fields.status, ...(fields.successor ? { successor: fields.successor } : {}), source: 'operator', updatedAt: at };
}

export async function listModels(ctx: AdminContext) {
  return { object: 'list' as const, data: (await entries(ctx)).map(modelAdminView), has_more: false };
}

export async function showModel(ctx: AdminContext, id: string) {
  return modelAdminView(find(await entries(ctx), id));
}

export async function addModel(ctx: AdminContext, body: string | null | undefined) {
  const parsed = jsonObject(body);
  const all = await entries(ctx);
  const fields = parseModel(parsed);
  if (all.some((e) => e.spec.id === fields.spec.id)) throw new ConflictError(`A model with id '${fields.spec.id}' is already in the catalog; change it with PATCH.`, { param: 'id', code: 'model_exists' });
  checkAgainst(all, fields);
  const entry = entryOf(fields, new Date(ctx.clock.now()).toISOString());
  await audit(ctx, { action: 'model.create', modelId: entry.spec.id, fields: wireFields(parsed) });
  if (!(await ctx.store.catalog.put(entry, 'create'))) throw new ConflictError(`A model with id '${entry.spec.id}' was just added.`, { param: 'id', code: 'model_exists' });
  await ctx.catalogChanged?.();
  return modelAdminView(entry);
}

export async function updateModel(ctx: AdminContext, id: string, body: string | null | undefined) {
  const parsed = jsonObject(body);
  const all = await entries(ctx);
  const base = find(all, id);
  const fields = parseModel(parsed, base);
  checkAgainst(all, fields);
  if (fields.status === 'retired' || fields.status === 'deprecated') {
    const dependents = all.filter((e) => e.successor === base.spec.id && e.status !== 'active');
    if (fields.status === 'retired' && dependents.length) {
      throw new ConflictError(`${base.spec.id} is the successor of ${dependents.map((e) => e.spec.id).join(', ')}; name another successor there first.`, { code: 'model_in_use' });
    }
  }
  const entry = entryOf(fields, new Date(ctx.clock.now()).toISOString());
  await audit(ctx, { action: 'model.update', modelId: entry.spec.id, fields: Object.keys(parsed) });
  if (!(await ctx.store.catalog.put(entry, 'replace'))) find([], id);
  await ctx.catalogChanged?.();
  return modelAdminView(entry);
}

/** Removes a model outright (retiring it keeps its id answering); refused while another names it as successor. */
export async function deleteModel(ctx: AdminContext, id: string) {
  const all = await entries(ctx);
  const entry = find(all, id);
  const dependents = all.filter((e) => e.successor === entry.spec.id);
  if (dependents.length) throw new ConflictError(`${entry.spec.id} is the successor of ${dependents.map((e) => e.spec.id).join(', ')}; name another successor there first.`, { code: 'model_in_use' });
  await audit(ctx, { action: 'model.delete', modelId: entry.spec.id });
  await ctx.store.catalog.delete(entry.spec.id);
  await ctx.catalogChanged?.();
  return { object: 'catalog.model.deleted' as const, id: entry.spec.id, deleted: true };
}
