// A chat against any model or auto, streamed, with the routing and rate-limit headers of the answer. The key
// is pasted by the user and held only in this page's memory.
import { useState } from 'preact/hooks';
import { html } from '../html';

const MODES = ['quality', 'cost', 'speed'];

export function Playground({ baseUrl, models }: { baseUrl: string; models: string[] }) {
  const [key, setKey] = useState('');
  const [model, setModel] = useState('auto');
  const [routing, setRouting] = useState('quality');
  const [prompt, setPrompt] = useState('');
  const [answer, setAnswer] = useState('');
  const [headers, setHeaders] = useState<Array<[string, string]>>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setAnswer('');
    try {
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.trim()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, ...(model === 'auto' ? { routing } : {}), stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      setHeaders([...res.headers].filter(([h]) => h.startsWith('x-op-') || h.startsWith('x-ratelimit-') || h.startsWith('x-budget-')));
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(body.error?.message ?? `The gateway answered ${res.status}.`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) {
          const data = event.split('\n').find((l) => l.startsWith('data: '))?.slice(6);
          if (!data || data === '[DONE]') continue;
          const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; error?: { message: string } };
          if (chunk.error) throw new Error(chunk.error.message);
          text += chunk.choices?.[0]?.delta?.content ?? '';
          setAnswer(text);
        }
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="playground"><h2 id="playground">Playground</h2>
    <form onSubmit=${send}>
      <label for="pg-key">API key (kept only in this page)</label><input id="pg-key" type="password" autocomplete="off" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} required />
      <label for="pg-model">Model</label><select id="pg-model" value=${model} onChange=${(e: Event) => setModel((e.target as HTMLSelectElement).value)}>${['auto', ...models].map((m) => html`<option value=${m}>${m}</option>`)}</select>
      ${model === 'auto' ? html`<label for="pg-routing">Routing</label><select id="pg-routing" value=${routing} onChange=${(e: Event) => setRouting((e.target as HTMLSelectElement).value)}>${MODES.map((m) => html`<option value=${m}>${m}</option>`)}</select>` : null}
      <label for="pg-prompt">Message</label><textarea id="pg-prompt" value=${prompt} onInput=${(e: Event) => setPrompt((e.target as HTMLTextAreaElement).value)} required></textarea>
      <button type="submit" disabled=${busy}>${busy ? 'Streaming…' : 'Send'}</button>
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${answer ? html`<h3>Answer</h3><pre data-testid="answer">${answer}</pre>` : null}
    ${headers.length ? html`<h3>Routing and limits</h3><table><tbody>${headers.map(([h, v]) => html`<tr><th scope="row">${h}</th><td>${v}</td></tr>`)}</tbody></table>` : null}
  </section>`;
}
