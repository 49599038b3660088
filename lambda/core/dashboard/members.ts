// Who may act on an account from the dashboard: signed-in users (Cognito subjects) are members of one
// account each, as its owner (everything, members included) or a member (keys and usage). An owner invites
// people by e-mail; an invited person joins through the same sign-up, and the invitation is used up.

export type Role = 'owner' | 'member';
export const ROLES: readonly Role[] = ['owner', 'member'];

export interface Member {
  /** The Cognito subject: stable, unlike the e-mail address. */
  sub: string;
  email: string;
  accountId: string;
  role: Role;
  /** ISO 8601. */
  joinedAt: string;
}

export interface Invitation {
  /** Lower case. */
  email: string;
  accountId: string;
  role: Role;
  invitedBy: string;
  /** ISO 8601. */
  at: string;
}

export interface MemberStore {
  getMember(sub: string): Promise<Member | undefined>;
  /** Only if the user is no member of any account yet: false when they were (nothing written). */
  addMember(member: Member): Promise<boolean>;
  listMembers(accountId: string): Promise<Member[]>;
  removeMember(sub: string): Promise<void>;
  getInvitation(email: string): Promise<Invitation | undefined>;
  putInvitation(invitation: Invitation): Promise<void>;
  /** Uses the invitation up; false when it was already gone (another sign-in took it). */
  takeInvitation(email: string): Promise<boolean>;
  listInvitations(accountId: string): Promise<Invitation[]>;
}
