// Dashboard users and invitations in the keys table.
// Item layout (invariants): a user at pk "USER#<sub>", sk "USER", listed under its account through gsi1
// (gsi1pk "ACCOUNT#<id>", gsi1sk "MEMBER#<joinedAt>#<sub>"); an invitation at pk "INVITE#<email>", sk
// "INVITE", listed the same way (gsi1sk "INVITE#<email>"). A user belongs to one account, so membership is
// one conditional put; an invitation is taken with a conditional delete, so it admits one person once.
import { ConditionalCheckFailedException } from './dynamo-http';
import { DeleteCommand, GetCommand, PutCommand, type DocClient } from './document';
import type { Invitation, Member, MemberStore } from '../core/dashboard/members';
import { accountPk, listUnderAccount, strip } from './key-store';

const userPk = (sub: string) => `USER#${sub}`;
const invitePk = (email: string) => `INVITE#${email.toLowerCase()}`;

export class DynamoMemberStore implements MemberStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async getMember(sub: string): Promise<Member | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: userPk(sub), sk: 'USER' }, ConsistentRead: true }));
    return strip<Member>(Item);
  }

  async addMember(member: Member): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: userPk(member.sub), sk: 'USER', gsi1pk: accountPk(member.accountId), gsi1sk: `MEMBER#${member.joinedAt}#${member.sub}`, ...member },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async listMembers(accountId: string): Promise<Member[]> {
    return listUnderAccount<Member>(this.doc, this.table, accountId, 'MEMBER#');
  }

  async removeMember(sub: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: userPk(sub), sk: 'USER' } }));
  }

  async getInvitation(email: string): Promise<Invitation | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: invitePk(email), sk: 'INVITE' }, ConsistentRead: true }));
    return strip<Invitation>(Item);
  }

  async putInvitation(invitation: Invitation): Promise<void> {
    const email = invitation.email.toLowerCase();
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: invitePk(email), sk: 'INVITE', gsi1pk: accountPk(invitation.accountId), gsi1sk: `INVITE#${email}`, ...invitation, email } }),
    );
  }

  async takeInvitation(email: string): Promise<boolean> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: invitePk(email), sk: 'INVITE' }, ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async listInvitations(accountId: string): Promise<Invitation[]> {
    return listUnderAccount<Invitation>(this.doc, this.table, accountId, 'INVITE#');
  }
}
