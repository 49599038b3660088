// Budget events in the counters table, one partition per account: pk "EVENTS#<accountId>", sk
// "<ISO time>#<scope>#<threshold>#<keyId>", so an account's events read back newest first with one Query.
// Written with UpdateItem (the chat role's only write action on this table); each item is one small event,
// kept for 400 days (a year of monthly budgets and then some).
import { QueryCommand, UpdateCommand, type DocClient } from './document';
import type { BudgetEvent, EventLog } from '../core/records';
import { strip } from './key-store';

const eventsPk = (accountId: string) => `EVENTS#${accountId}`;
const KEEP_S = 400 * 86_400;

export class DynamoEventLog implements EventLog {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async record(event: BudgetEvent): Promise<void> {
    const { accountId, ...fields } = event;
    const names: Record<string, string> = { '#ttl': 'ttl', '#accountId': 'accountId' };
    const values: Record<string, unknown> = { ':ttl': Math.floor(Date.parse(event.at) / 1000) + KEEP_S, ':accountId': accountId };
    const sets = ['#ttl = :ttl', '#accountId = :accountId'];
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: eventsPk(accountId), sk: `${event.at}#${event.scope}#${event.threshold}#${event.keyId}` },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async list(accountId: string, limit: number): Promise<BudgetEvent[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': eventsPk(accountId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => strip<BudgetEvent>(item) as BudgetEvent);
  }
}
