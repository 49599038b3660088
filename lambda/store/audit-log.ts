// The admin audit log in the keys table: pk "AUDIT#<yyyy-mm-dd>" (UTC day of the change), sk
// "<ISO time>#<sequence>#<random>" so one day reads back in order with a single Query: the per-instance
// sequence keeps changes made within one millisecond (an account deletion revoking its keys) in the order
// they were made. Entries carry no TTL: the trail is small (admin changes only) and outlives the access logs
// on purpose.
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DocClient } from './document';
import type { AuditEntry, AuditLog } from '../core/records';
import { strip } from './key-store';

export const auditPk = (day: string) => `AUDIT#${day}`;

export class DynamoAuditLog implements AuditLog {
  private sequence = 0;

  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: auditPk(entry.at.slice(0, 10)), sk: `${entry.at}#${String(this.sequence++).padStart(12, '0')}#${randomBytes(4).toString('hex')}`, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listDay(day: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditPk(day) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(strip<AuditEntry>(item) as AuditEntry);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
