// The document layer over the lean transport (dynamo-http.ts): commands shaped like the AWS SDK's
// lib-dynamodb (plain JavaScript values in, plain values out), marshalled to DynamoDB's attribute values
// here. One client for every function: loading the SDK's DynamoDB client costs about 100 ms of cold start
// and its middleware stack a few tenths of a millisecond per call, for features the stores do not use.
// Marshalling follows lib-dynamodb with `removeUndefinedValues`: undefined attributes (also inside maps and
// lists) are left out; numbers come back as numbers, sets as Sets, binary as Uint8Array.
import type { DynamoHttp, Operation } from './dynamo-http';

/** A value a stored item may hold. */
export type NativeValue = string | number | boolean | null | undefined | Uint8Array | Set<string> | Set<number> | NativeValue[] | { [name: string]: NativeValue };
/** An item as read back: plain values. */
export type NativeItem = Record<string, NativeValue>;
/** An item, a key, or a set of expression values to send: any record of plain values (the stores' own item types). */
export type InputItem = object;

type Wire = Record<string, unknown>;

export function toAttribute(value: unknown): Wire | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`DynamoDB cannot store the number ${value}`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (value instanceof Set) {
    const members = [...value];
    if (!members.length) throw new TypeError('DynamoDB cannot store an empty set');
    return typeof members[0] === 'number' ? { NS: members.map(String) } : { SS: members.map(String) };
  }
  if (Array.isArray(value)) return { L: value.filter((v) => v !== undefined).map((v) => toAttribute(v)!) };
  if (typeof value === 'object') return { M: toItem(value) };
  throw new TypeError(`DynamoDB cannot store a ${typeof value}`);
}

export function toItem(item: InputItem): Record<string, Wire> {
  const out: Record<string, Wire> = {};
  for (const [k, v] of Object.entries(item)) {
    const attribute = toAttribute(v);
    if (attribute) out[k] = attribute;
  }
  return out;
}

export function fromAttribute(attribute: Wire): NativeValue {
  if ('S' in attribute) return attribute.S as string;
  if ('N' in attribute) return Number(attribute.N);
  if ('BOOL' in attribute) return attribute.BOOL as boolean;
  if ('NULL' in attribute) return null;
  if ('M' in attribute) return fromItem(attribute.M as Record<string, Wire>);
  if ('L' in attribute) return (attribute.L as Wire[]).map(fromAttribute);
  if ('SS' in attribute) return new Set(attribute.SS as string[]);
  if ('NS' in attribute) return new Set((attribute.NS as string[]).map(Number));
  if ('B' in attribute) return new Uint8Array(Buffer.from(attribute.B as string, 'base64'));
  throw new TypeError(`unknown DynamoDB attribute type ${Object.keys(attribute).join(',')}`);
}

export function fromItem(item: Record<string, Wire>): NativeItem {
  const out: NativeItem = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttribute(v);
  return out;
}

type BatchEntry<T> = { PutRequest?: { Item: T }; DeleteRequest?: { Key: T } };

/** Each table's value of a batch request or answer, converted. */
const perTable = <A, B>(tables: Record<string, A>, convert: (value: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(tables).map(([table, value]) => [table, convert(value)]));
/** A BatchWrite list, its items or keys converted. */
const writes = <A, B>(list: Array<BatchEntry<A>>, convert: (item: A) => B): Array<BatchEntry<B>> =>
  list.map((r) => (r.PutRequest ? { PutRequest: { Item: convert(r.PutRequest.Item) } } : { DeleteRequest: { Key: convert(r.DeleteRequest!.Key) } }));
/** A BatchGet table spec, its keys converted. */
const keys = <A, B>(spec: { Keys: A[] }, convert: (item: A) => B) => ({ ...spec, Keys: spec.Keys.map(convert) });

/** Converts the item-valued fields of a request or answer; every other field passes as it is. */
function convertItems<T>(message: Wire, fields: readonly string[], lists: readonly string[], convert: (item: T) => unknown): Wire {
  const out: Wire = { ...message };
  for (const field of fields) if (message[field]) out[field] = convert(message[field] as T);
  for (const field of lists) if (message[field]) out[field] = (message[field] as T[]).map(convert);
  return out;
}

function wireInput(input: Wire): Wire {
  const out = convertItems(input, ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'], [], toItem);
  const requests = input.RequestItems as Record<string, Array<BatchEntry<InputItem>> | { Keys: InputItem[] }> | undefined;
  // BatchWrite: per table a list of puts and deletes; BatchGet: per table the keys, with the read's options.
  if (requests) out.RequestItems = perTable(requests, (spec) => (Array.isArray(spec) ? writes(spec, toItem) : keys(spec, toItem)));
  return out;
}

function nativeOutput(raw: Wire): Wire {
  const out = convertItems(raw, ['Item', 'Attributes', 'LastEvaluatedKey'], ['Items'], fromItem);
  type WireItem = Record<string, Wire>;
  if (raw.Responses) out.Responses = perTable(raw.Responses as Record<string, WireItem[]>, (items) => items.map(fromItem));
  if (raw.UnprocessedKeys) out.UnprocessedKeys = perTable(raw.UnprocessedKeys as Record<string, { Keys: WireItem[] }>, (spec) => keys(spec, fromItem));
  if (raw.UnprocessedItems) out.UnprocessedItems = perTable(raw.UnprocessedItems as Record<string, Array<BatchEntry<WireItem>>>, (list) => writes(list, fromItem));
  return out;
}

interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: InputItem;
}
type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

export interface GetInput {
  TableName: string;
  Key: InputItem;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface PutInput extends Expressions {
  TableName: string;
  Item: InputItem;
  ReturnValues?: ReturnValues;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
export interface UpdateInput extends Expressions {
  TableName: string;
  Key: InputItem;
  UpdateExpression?: string;
  ReturnValues?: ReturnValues;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
export interface DeleteInput extends Expressions {
  TableName: string;
  Key: InputItem;
  ReturnValues?: ReturnValues;
}
export interface QueryInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: InputItem;
  ExclusiveStartKey?: InputItem;
  Limit?: number;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  Select?: 'ALL_ATTRIBUTES' | 'COUNT' | 'SPECIFIC_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES';
}
export type ScanInput = Omit<QueryInput, 'KeyConditionExpression' | 'ScanIndexForward'>;
export interface BatchGetInput {
  RequestItems: Record<string, { Keys: InputItem[]; ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }>;
}
export interface BatchWriteInput {
  RequestItems: Record<string, Array<BatchEntry<InputItem>>>;
}

interface Consumed {
  ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
}
export interface GetOutput extends Consumed {
  Item?: NativeItem;
}
export interface WriteOutput extends Consumed {
  Attributes?: NativeItem;
}
export interface QueryOutput extends Consumed {
  Items?: NativeItem[];
  Count?: number;
  LastEvaluatedKey?: NativeItem;
}
export interface BatchGetOutput extends Consumed {
  Responses?: Record<string, NativeItem[]>;
  UnprocessedKeys?: Record<string, { Keys: NativeItem[]; ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }>;
}
export interface BatchWriteOutput extends Consumed {
  UnprocessedItems?: Record<string, Array<BatchEntry<NativeItem>>>;
}

/** A request and the answer type it gets; `operation` is DynamoDB's own name for it. */
export abstract class DocCommand<I, O> {
  declare readonly output: O;
  abstract readonly operation: Operation;
  constructor(readonly input: I) {}
}
export class GetCommand extends DocCommand<GetInput, GetOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends DocCommand<PutInput, WriteOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends DocCommand<UpdateInput, WriteOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends DocCommand<DeleteInput, WriteOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends DocCommand<QueryInput, QueryOutput> {
  readonly operation = 'Query';
}
export class ScanCommand extends DocCommand<ScanInput, QueryOutput> {
  readonly operation = 'Scan';
}
export class BatchGetCommand extends DocCommand<BatchGetInput, BatchGetOutput> {
  readonly operation = 'BatchGetItem';
}
export class BatchWriteCommand extends DocCommand<BatchWriteInput, BatchWriteOutput> {
  readonly operation = 'BatchWriteItem';
}

/** The stores' DynamoDB client: document commands over one lean transport. */
export class DocClient {
  constructor(readonly http: DynamoHttp) {}

  async send<O>(command: DocCommand<unknown, O>): Promise<O> {
    const raw = await this.http.send<Wire>(command.operation, wireInput(command.input as Wire));
    return nativeOutput(raw) as O;
  }

  destroy(): void {
    this.http.destroy();
  }
}
