// A secret shown once, with a copy button and snippets ready to run with it.
import { useState } from 'preact/hooks';
import { html } from '../html';
import { snippets } from '../snippets';

export function Secret({ secret, baseUrl }: { secret: string; baseUrl: string }) {
  const [copied, setCopied] = useState(false);
  return html`<div>
    <p>Copy it now: it is shown only this once.</p>
    <p class="secret" data-testid="secret">${secret}</p>
    <button type="button" onClick=${() => navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false))}>Copy key</button>
    ${copied ? html`<span role="status">Copied.</span>` : null}
    ${snippets(baseUrl, secret).map((s) => html`<h3>${s.name}</h3><pre>${s.code}</pre>`)}
  </div>`;
}
