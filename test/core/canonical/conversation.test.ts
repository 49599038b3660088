import { describe, expect, it } from 'vitest';
import { prepareConversation } from '../../../lambda/core/canonical/conversation';
import type { Message } from '../../../lambda/core/canonical/content';
import { BadRequestError } from '../../../lambda/wire/errors';

const text = (t: string) => ({ type: 'text' as const, text: t });

describe('prepareConversation', () => {
  it('drops blank text parts and the messages they leave empty, keeping every other part', () => {
    const messages: Message[] = [
      { role: 'system', content: [text('  ')] },
      { role: 'user', content: [text(''), text('hi'), text('\n')] },
      { role: 'assistant', content: [text(' '), { type: 'tool-call', callId: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'c1', content: [text('ok')] }] },
      { role: 'user', content: [text('\t')] },
    ];
    expect(prepareConversation(messages)).toEqual([
      { role: 'user', content: [text('hi')] },
      { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'c1', content: [text('ok')] }] },
    ]);
  });

  it('turns a conversation of system messages only into one user turn', () => {
    expect(prepareConversation([{ role: 'system', content: [text('a')] }, { role: 'system', content: [text(' '), text('b')] }])).toEqual([{ role: 'user', content: [text('a'), text('b')] }]);
  });

  it('refuses a conversation with nothing in it, naming messages', () => {
    const empty = () => prepareConversation([{ role: 'user', content: [text('')] }, { role: 'system', content: [text('   ')] }]);
    expect(empty).toThrow(BadRequestError);
    expect(empty).toThrow(expect.objectContaining({ param: 'messages', code: 'empty_conversation' }));
  });
});
