// Members (owners only): who belongs to the account, pending invitations, and inviting someone by e-mail.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { FieldError, FormError, html, when } from '../html';
import type { Members } from '../types';

export function MembersPage({ api }: { api: Api }) {
  const [members, setMembers] = useState<Members | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [error, setError] = useState<Error | null>(null);
  const load = () => api.get<Members>('/members').then(setMembers, setError);
  useEffect(() => void load(), []);
  const invite = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.send('POST', '/members', { email: email.trim(), role });
      setEmail('');
      await load();
    } catch (err) {
      setError(err as Error);
    }
  };
  return html`<div>
    <section aria-labelledby="invite"><h2 id="invite">Invite someone</h2>
      <form onSubmit=${invite}>
        <label for="invite-email">E-mail</label><input id="invite-email" type="email" value=${email} onInput=${(e: Event) => setEmail((e.target as HTMLInputElement).value)} required />
        <${FieldError} error=${error} field="email" />
        <label for="invite-role">Role</label><select id="invite-role" value=${role} onChange=${(e: Event) => setRole((e.target as HTMLSelectElement).value)}><option value="member">member (keys and usage)</option><option value="owner">owner (everything)</option></select>
        <button type="submit">Invite</button>
      </form>
      <p class="note">They sign up with that address and join this account.</p>
      <${FormError} error=${error} fields=${['email']} />
    </section>
    <section aria-labelledby="members"><h2 id="members">Members</h2>
      ${members === null ? html`<p class="progress" role="status">Loading…</p>` : html`<table><thead><tr><th>E-mail</th><th>Role</th><th>Joined</th></tr></thead><tbody>
        ${members.data.map((m) => html`<tr><td>${m.email}</td><td>${m.role}</td><td>${when(m.joined_at)}</td></tr>`)}
        ${members.invitations.map((i) => html`<tr><td>${i.email}</td><td>${i.role}</td><td>invited ${when(i.invited_at)}</td></tr>`)}
      </tbody></table>`}
    </section>
  </div>`;
}
