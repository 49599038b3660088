// Canonical results as Responses API objects and stream events.
import { StreamAccumulator } from '../../core/canonical/accumulate';
import type { AssistantPart } from '../../core/canonical/content';
import type { OutputFormat } from '../../core/canonical/request';
import type { CanonicalResult, StreamPart } from '../../core/canonical/result';
import { NO_USAGE, totalTokens, type Usage } from '../../core/canonical/usage';
import type { Served } from '../../core/lifecycle';
import type { GatewayError } from '../../wire/errors';
import type { CustomTool, FunctionTool, OutputItem, ResponseObject, ResponseStatus, ResponsesUsage, TextFormat, ToolChoice } from '../../wire/formats/openai-responses';
import { encodeSseEvent } from '../../wire/sse';
import type { StreamEncoder } from '../sse';
import { itemId, outputItems } from './items';
import type { ResponsesOptions } from './parse';

export function responsesUsage(u: Usage): ResponsesUsage {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cacheReadTokens, cache_write_tokens: u.cacheWriteTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: totalTokens(u),
  };
}

function wireFormat(f: OutputFormat): TextFormat {
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json') return { type: 'json_object' };
  return { type: 'json_schema', name: f.name, schema: f.schema, ...(f.description ? { description: f.description } : {}), strict: f.strict ?? null };
}

function wireToolChoice(o: ResponsesOptions['echo']): ToolChoice {
  const c = o.toolChoice;
  if (!c) return 'auto';
  if (c.type !== 'tool') return c.type;
  return o.tools.find((t) => t.name === c.name)?.freeform ? { type: 'custom', name: c.name } : { type: 'function', name: c.name };
}

export interface ResponseShape {
  id: string;
  createdAt: number;
  options: ResponsesOptions;
}

/** The response object at any point of its life; `served` is absent before the model is known. */
export function responseObject(
  shape: ResponseShape,
  state: { status: ResponseStatus; model: string; output: OutputItem[]; usage: Usage | null; reason?: CanonicalResult['reason']; error?: GatewayError; completedAt?: number },
): ResponseObject {
  const o = shape.options;
  const e = o.echo;
  const incomplete = state.status === 'incomplete' ? { reason: state.reason === 'content_filter' ? ('content_filter' as const) : ('max_output_tokens' as const) } : null;
  return {
    id: shape.id,
    object: 'response',
    created_at: shape.createdAt,
    status: state.status,
    completed_at: state.completedAt ?? null,
    error: state.error ? { code: 'server_error', message: state.error.message } : null,
    incomplete_details: incomplete,
    instructions: o.instructions,
    max_output_tokens: e.maxOutputTokens,
    model: state.model,
    output: state.output,
    parallel_tool_calls: e.parallelToolCalls,
    previous_response_id: o.previousResponseId ?? null,
    reasoning: e.reasoning,
    store: o.store,
    temperature: e.temperature ?? 1,
    text: { format: wireFormat(e.format) },
    tool_choice: wireToolChoice(e),
    tools: e.tools.map(
      (t): FunctionTool | CustomTool =>
        t.freeform
          ? { type: 'custom', name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), ...(t.freeform.format ? { format: t.freeform.format } : {}) }
          : { type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters, strict: t.strict ?? true },
    ),
    top_p: e.topP ?? 1,
    truncation: e.truncation,
    // Absent until known, as the published schema has it (it allows no null here), like `user`.
    ...(state.usage ? { usage: responsesUsage(state.usage) } : {}),
    ...(e.user !== null ? { user: e.user } : {}),
    metadata: o.metadata,
  };
}

/** The status a finished answer ends in: cut at the output cap (or filtered) is "incomplete". */
export function finalStatus(reason: CanonicalResult['reason']): ResponseStatus {
  return reason === 'length' || reason === 'content_filter' ? 'incomplete' : 'completed';
}

/** A whole answer as the final response object. */
export function completedResponse(shape: ResponseShape, result: CanonicalResult, served: Served, completedAt: number, latencyMs: number): ResponseObject {
  const { items } = outputItems(result.content, shape.id, shape.options.includeEncrypted);
  const text = result.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  return {
    ...responseObject(shape, { status: finalStatus(result.reason), model: served.model.id, output: items, usage: result.usage, reason: result.reason, completedAt }),
    output_text: text,
    x_op_routing_used: served.model.id,
    x_op_latency_ms: latencyMs,
  };
}

type Open =
  | { kind: 'message'; n: number; id: string; parts: number; texts: Map<number, { content: number; text: string }> }
  | { kind: 'reasoning'; n: number; id: string; summary: number; summaries: string[] }
  | { kind: 'call'; n: number; id: string; callId: string; name: string; args: string; freeform: boolean };

/**
 * The Responses stream: response.created and response.in_progress, then for each output item its added /
 * delta / done events, then response.completed (or response.incomplete at the output cap). `beforeEnd`
 * runs with the final response before its last event goes out (the store writes it there, so a client that
 * continues at once finds it). A failure after the first byte ends the stream with response.failed.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private items = 0;
  private message?: Extract<Open, { kind: 'message' }>;
  private readonly blocks = new Map<number, Open>();
  private readonly acc = new StreamAccumulator();
  private readonly done: OutputItem[] = [];

  constructor(
    private readonly shape: ResponseShape,
    private readonly served: Served,
    private readonly now: () => number,
    private readonly latencyMs: () => number,
    private readonly beforeEnd: (response: ResponseObject, content: AssistantPart[], usage: Usage) => Promise<void>,
  ) {}

  private event(type: string, fields: Record<string, unknown>): string {
    return encodeSseEvent({ type, ...fields, sequence_number: this.seq++ }, type);
  }

  private snapshot(status: ResponseStatus): ResponseObject {
    return responseObject(this.shape, { status, model: this.served.model.id, output: [], usage: null });
  }

  open(): string[] {
    const response = this.snapshot('in_progress');
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  private closeMessage(): string[] {
    const m = this.message;
    if (!m) return [];
    this.message = undefined;
    const item: OutputItem = {
      type: 'message',
      id: m.id,
      role: 'assistant',
      status: 'completed',
      content: [...m.texts.values()].sort((a, b) => a.content - b.content).map((t) => ({ type: 'output_text', text: t.text, annotations: [], logprobs: [] })),
    };
    this.done.push(item);
    return [this.event('response.output_item.done', { output_index: m.n, item })];
  }

  async part(part: StreamPart): Promise<string[]> {
    this.acc.add(part);
    switch (part.type) {
      case 'text-start': {
        const out: string[] = [];
        if (!this.message) {
          const n = this.items++;
          this.message = { kind: 'message', n, id: itemId('msg', this.shape.id, n), parts: 0, texts: new Map() };
          out.push(this.event('response.output_item.added', { output_index: n, item: { type: 'message', id: this.message.id, status: 'in_progress', role: 'assistant', content: [] } }));
        }
        const m = this.message;
        const content = m.parts++;
        m.texts.set(part.index, { content, text: '' });
        this.blocks.set(part.index, m);
        out.push(this.event('response.content_part.added', { item_id: m.id, output_index: m.n, content_index: content, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
        return out;
      }
      case 'text-delta': {
        const m = this.blocks.get(part.index) as Extract<Open, { kind: 'message' }>;
        const t = m.texts.get(part.index)!;
        t.text += part.text;
        return [this.event('response.output_text.delta', { item_id: m.id, output_index: m.n, content_index: t.content, delta: part.text, logprobs: [] })];
      }
      case 'text-end': {
        const m = this.blocks.get(part.index) as Extract<Open, { kind: 'message' }>;
        const t = m.texts.get(part.index)!;
        return [
          this.event('response.output_text.done', { item_id: m.id, output_index: m.n, content_index: t.content, text: t.text, logprobs: [] }),
          this.event('response.content_part.done', { item_id: m.id, output_index: m.n, content_index: t.content, part: { type: 'output_text', text: t.text, annotations: [], logprobs: [] } }),
        ];
      }
      case 'reasoning-start': {
        const out = this.closeMessage();
        const n = this.items++;
        const r: Open = { kind: 'reasoning', n, id: itemId('rs', this.shape.id, n), summary: -1, summaries: [] };
        this.blocks.set(part.index, r);
        out.push(this.event('response.output_item.added', { output_index: n, item: { type: 'reasoning', id: r.id, summary: [] } }));
        return out;
      }
      case 'reasoning-delta': {
        const r = this.blocks.get(part.index) as Extract<Open, { kind: 'reasoning' }>;
        const k = part.summaryIndex ?? 0;
        const out: string[] = [];
        if (k !== r.summary) {
          out.push(...this.closeSummary(r));
          r.summary = k;
          r.summaries[k] = '';
          out.push(this.event('response.reasoning_summary_part.added', { item_id: r.id, output_index: r.n, summary_index: k, part: { type: 'summary_text', text: '' } }));
        }
        r.summaries[k] += part.text;
        out.push(this.event('response.reasoning_summary_text.delta', { item_id: r.id, output_index: r.n, summary_index: k, delta: part.text }));
        return out;
      }
      case 'reasoning-end': {
        const r = this.blocks.get(part.index) as Extract<Open, { kind: 'reasoning' }>;
        const out = this.closeSummary(r);
        const item: OutputItem = {
          type: 'reasoning',
          id: r.id,
          summary: r.summaries.filter((s) => s !== undefined).map((text) => ({ type: 'summary_text', text })),
          ...(this.shape.options.includeEncrypted && part.encrypted ? { encrypted_content: part.encrypted } : {}),
        };
        this.done.push(item);
        out.push(this.event('response.output_item.done', { output_index: r.n, item }));
        return out;
      }
      case 'tool-input-start': {
        const out = this.closeMessage();
        const n = this.items++;
        const freeform = part.freeform === true;
        const c: Open = { kind: 'call', n, id: itemId(freeform ? 'ctc' : 'fc', this.shape.id, n), callId: part.callId, name: part.name, args: '', freeform };
        this.blocks.set(part.index, c);
        const item = freeform
          ? { type: 'custom_tool_call', id: c.id, call_id: c.callId, name: c.name, input: '' }
          : { type: 'function_call', id: c.id, call_id: c.callId, name: c.name, arguments: '', status: 'in_progress' };
        out.push(this.event('response.output_item.added', { output_index: n, item }));
        return out;
      }
      case 'tool-input-delta': {
        const c = this.blocks.get(part.index) as Extract<Open, { kind: 'call' }>;
        c.args += part.json;
        const type = c.freeform ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta';
        return [this.event(type, { item_id: c.id, output_index: c.n, delta: part.json })];
      }
      case 'tool-input-end': {
        const c = this.blocks.get(part.index) as Extract<Open, { kind: 'call' }>;
        const item: OutputItem = c.freeform
          ? { type: 'custom_tool_call', id: c.id, call_id: c.callId, name: c.name, input: c.args }
          : { type: 'function_call', id: c.id, call_id: c.callId, name: c.name, arguments: c.args, status: 'completed' };
        this.done.push(item);
        return [
          c.freeform
            ? this.event('response.custom_tool_call_input.done', { item_id: c.id, output_index: c.n, input: c.args })
            : this.event('response.function_call_arguments.done', { item_id: c.id, output_index: c.n, name: c.name, arguments: c.args }),
          this.event('response.output_item.done', { output_index: c.n, item }),
        ];
      }
      case 'finish': {
        const out = this.closeMessage();
        const usage = part.usage ?? NO_USAGE;
        const status = finalStatus(part.reason);
        const response: ResponseObject = {
          ...responseObject(this.shape, { status, model: this.served.model.id, output: [...this.done].sort((a, b) => this.indexOf(a) - this.indexOf(b)), usage, reason: part.reason, completedAt: Math.floor(this.now() / 1000) }),
          output_text: this.acc.content().map((p) => (p.type === 'text' ? p.text : '')).join(''),
          x_op_routing_used: this.served.model.id,
          x_op_latency_ms: this.latencyMs(),
        };
        await this.beforeEnd(response, this.acc.content(), usage);
        out.push(this.event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response }));
        return out;
      }
      default:
        return [];
    }
  }

  error(error: GatewayError): string[] {
    const response = responseObject(this.shape, { status: 'failed', model: this.served.model.id, output: [...this.done], usage: null, error });
    return [this.event('response.failed', { response })];
  }

  private closeSummary(r: Extract<Open, { kind: 'reasoning' }>): string[] {
    if (r.summary < 0) return [];
    const k = r.summary;
    const text = r.summaries[k] ?? '';
    return [
      this.event('response.reasoning_summary_text.done', { item_id: r.id, output_index: r.n, summary_index: k, text }),
      this.event('response.reasoning_summary_part.done', { item_id: r.id, output_index: r.n, summary_index: k, part: { type: 'summary_text', text } }),
    ];
  }

  private indexOf(item: OutputItem): number {
    return Number(/_(\d+)$/.exec(item.id ?? '')?.[1] ?? 0);
  }
}
