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

const ITEM_FIELDS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;

function wireInput(input: Wire): Wire {
  const out: Wire = { ...input };
  for (const field of ITEM_FIELDS) if (input[field]) out[field] = toItem(input[field] as InputItem);
  const requests = input.RequestItems as Record<string, unknown> | undefined;
  if (requests) {
    out.RequestItems = Object.fromEntries(
      Object.entries(requests).map(([table, spec]) =>
        Array.isArray(spec)
          ? // BatchWrite: a list of puts and deletes.
            [table, spec.map((r: { PutRequest?: { Item: InputItem }; DeleteRequest?: { Key: InputItem } }) =>
              r.PutRequest ? { PutRequest: { Item: toItem(r.PutRequest.Item) } } : { DeleteRequest: { Key: toItem(r.DeleteRequest!.Key) } },
            )]
          : // BatchGet: the keys, with the read's options.
            [table, { ...(spec as Wire), Keys: (spec as { Keys: InputItem[] }).Keys.map(toItem) }],
      ),
    );
  }
  return out;
}

function nativeOutput(raw: Wire): Wire {
  const out: Wire = { ...raw };
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey'] as const) if (raw[field]) out[field] = fromItem(raw[field] as Record<string, Wire>);
  if (raw.Items) out.Items = (raw.Items as Array<Record<string, Wire>>).map(fromItem);
  if (raw.Responses) out.Responses = Object.fromEntries(Object.entries(raw.Responses as Record<string, Array<Record<string, Wire>>>).map(([t, items]) => [t, items.map(fromItem)]));
  if (raw.UnprocessedKeys) {
    out.UnprocessedKeys = Object.fromEntries(
      Object.entries(raw.UnprocessedKeys as Record<string, { Keys: Array<Record<string, Wire>> }>).map(([t, spec]) => [t, { ...spec, Keys: spec.Keys.map(fromItem) }]),
    );
  }
  if (raw.UnprocessedItems) {
    out.UnprocessedItems = Object.fromEntries(
      Object.entries(raw.UnprocessedItems as Record<string, Array<{ PutRequest?: { Item: Record<string, Wire> }; DeleteRequest?: { Key: Record<string, Wire> } }>>).map(([t, list]) => [
        t,
        list.map((r) => (r.PutRequest ? { PutRequest: { Item: fromItem(r.PutRequest.Item) } } : { DeleteRequest: { Key: fromItem(r.DeleteRequest!.Key) } })),
      ]),
    );
  }
  return out;
}

interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: InputItem;
}
interface Capacity {
  ReturnConsumedCapacity?: 'TOTAL' | 'INDEXES' | 'NONE';
}
type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

export interface GetInput extends Capacity {
  TableName: string;
  Key: InputItem;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface PutInput extends Expressions, Capacity {
  TableName: string;
  Item: InputItem;
  ReturnValues?: ReturnValues;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
export interface UpdateInput extends Expressions, Capacity {
  TableName: string;
  Key: InputItem;
  UpdateExpression?: string;
  ReturnValues?: ReturnValues;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
export interface DeleteInput extends Expressions, Capacity {
  TableName: string;
  Key: InputItem;
  ReturnValues?: ReturnValues;
}
export interface QueryInput extends Capacity {
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
export interface BatchGetInput extends Capacity {
  RequestItems: Record<string, { Keys: InputItem[]; ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }>;
}
export interface BatchWriteInput extends Capacity {
  RequestItems: Record<string, Array<{ PutRequest?: { Item: InputItem }; DeleteRequest?: { Key: InputItem } }>>;
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
  UnprocessedItems?: Record<string, Array<{ PutRequest?: { Item: NativeItem }; DeleteRequest?: { Key: NativeItem } }>>;
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
