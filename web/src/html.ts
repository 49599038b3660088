// Preact with htm: components written as tagged templates, no JSX build step.
import { h } from 'preact';
import htm from 'htm';
import { useState } from 'preact/hooks';
import type { BudgetPeriod } from './types';

export const html = htm.bind(h);

/** Unix seconds as a short UTC date and time, or a dash. */
export const when = (seconds: number | null | undefined): string => (seconds ? new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') : '–');

export const usd = (v: number): string => `$${v < 0.01 && v > 0 ? v.toFixed(6) : v.toFixed(2)}`;

/** An error in words, beside the field it names when it names one. */
export function FieldError({ error, field }: { error?: { message: string; param?: string | null } | null; field: string }) {
  if (!error || !error.param || !(error.param === field || error.param.startsWith(`${field}[`) || error.param.startsWith(`${field}.`))) return null;
  return html`<p class="field-error" role="alert" id=${`${field}-error`}>${error.message}</p>`;
}

const BUDGET_PERIODS = ['day', 'week', 'month', 'total'] as const satisfies readonly BudgetPeriod[];

/** The budget period picker, the same on every form that sets a budget. */
export function PeriodSelect({ id, value, onChange }: { id: string; value: BudgetPeriod; onChange: (period: BudgetPeriod) => void }) {
  return html`<select id=${id} value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value as BudgetPeriod)}>${BUDGET_PERIODS.map((p) => html`<option value=${p}>${p}</option>`)}</select>`;
}

export function FormError({ error, fields = [] }: { error?: { message: string; param?: string | null } | null; fields?: string[] }) {
  if (!error) return null;
  if (error.param && fields.some((f) => error.param === f || error.param!.startsWith(`${f}[`) || error.param!.startsWith(`${f}.`))) return null;
  return html`<p class="error" role="alert">${error.message}</p>`;
}

/**
 * One form action at a time: `run(label, action)` makes an event handler that shows `label` while the
 * action runs and its error in words after.
 */
export function useAction(initialError: string | null = null) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(initialError);
  const [notice, setNotice] = useState<string | null>(null);
  const run = (label: string, action: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setBusy(label);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, setError, notice, setNotice, run };
}
