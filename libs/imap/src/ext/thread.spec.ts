import { describe, expect, it } from 'vitest';
import { formatThread, formatThreadResponse, parseThreadAlgorithm, ThreadAlgorithmError, threadMessages, type ThreadableMessage, type ThreadNode } from './thread';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 3600_000);
function m(id: number, fields: Partial<ThreadableMessage> & { date?: number } = {}): ThreadableMessage {
  return {
    id,
    messageId: `<${id}@x>`,
    inReplyTo: null,
    references: [],
    subject: `subject ${id}`,
    sentDate: day(fields.date ?? id),
    internalDate: day(1000),
    ...fields,
  };
}
const refs = (...ids: (number | string)[]) => ids.map((id) => (typeof id === 'number' ? `<${id}@x>` : id));
const thread = (messages: ThreadableMessage[], algorithm: 'REFERENCES' | 'ORDEREDSUBJECT' = 'REFERENCES') =>
  formatThreadResponse(threadMessages(messages, algorithm));

describe('thread-data formatting (RFC 5256 section 4)', () => {
  it('writes the RFC example (2)(3 6 (4 23)(44 7 96))', () => {
    const leaf = (id: number, ...children: ThreadNode[]): ThreadNode => ({ id, children });
    const tree = [leaf(2), leaf(3, leaf(6, leaf(4, leaf(23)), leaf(44, leaf(7, leaf(96)))))];
    expect(formatThreadResponse(tree)).toBe('* THREAD (2)(3 6 (4 23)(44 7 96))');
  });

  it('writes dummies as their children only, and nothing for no threads', () => {
    expect(formatThread({ id: null, children: [{ id: 1, children: [] }, { id: 2, children: [{ id: 3, children: [] }] }] })).toBe('((1)(2 3))');
    expect(formatThread({ id: 5, children: [{ id: null, children: [{ id: 6, children: [] }] }] })).toBe('(5 6)');
    expect(formatThreadResponse([])).toBe('* THREAD');
  });

  it('parses the algorithm name', () => {
    expect(parseThreadAlgorithm('references')).toBe('REFERENCES');
    expect(parseThreadAlgorithm('OrderedSubject')).toBe('ORDEREDSUBJECT');
    expect(() => parseThreadAlgorithm('REFS')).toThrow(ThreadAlgorithmError);
  });
});

describe('THREAD=REFERENCES (RFC 5256 section 3)', () => {
  it('rebuilds the RFC example tree from References headers', () => {
    const messages = [
      m(2),
      m(3),
      m(4, { references: refs(3, 6) }),
      m(6, { references: refs(3) }),
      m(7, { references: refs(3, 6, 44) }),
      m(23, { references: refs(3, 6, 4) }),
      m(44, { references: refs(3, 6) }),
      m(96, { references: refs(3, 6, 44, 7) }),
    ];
    expect(thread(messages)).toBe('* THREAD (2)(3 6 (4 23)(44 7 96))');
  });

  it('uses In-Reply-To when there are no References', () => {
    expect(thread([m(1), m(2, { inReplyTo: '<1@x>' }), m(3, { inReplyTo: '<2@x>', references: [] })])).toBe('* THREAD (1 2 3)');
  });

  it('keeps a root dummy for siblings whose parent is missing, promotes an only child', () => {
    // 1 and 2 reply to a message we do not have: a dummy holds them (step 4.B).
    expect(thread([m(1, { references: refs(99) }), m(2, { references: refs(99) })])).toBe('* THREAD ((1)(2))');
    // One reply to a missing message is promoted to the top.
    expect(thread([m(1, { references: refs(98, 99), subject: 'a' }), m(2, { subject: 'b' })])).toBe('* THREAD (1)(2)');
  });

  it('removes dummies in the middle of a chain', () => {
    // 1 -> (missing 50) -> 2 and 3
    expect(thread([m(1), m(2, { references: refs(1, 50) }), m(3, { references: refs(1, 50) })])).toBe('* THREAD (1 (2)(3))');
  });

  it('survives reference loops', () => {
    const messages = [m(1, { references: refs(2) }), m(2, { references: refs(1) }), m(3, { references: refs(3) })];
    const result = thread(messages);
    // Every message appears exactly once.
    expect(result.match(/\d+/g)!.map(Number).sort()).toEqual([1, 2, 3]);
    expect(thread([m(1, { references: refs(5, 6, 5) }), m(2, { references: refs(6, 5, 6) })]).match(/\d+/g)!.map(Number).sort()).toEqual([1, 2]);
  });

  it('breaks the old parent link before refusing a loop (RFC 5256 REFERENCES step 1.B)', () => {
    // 2 gives 3 the parent 1 (1.A); 3's own last reference is 2, its child: linking would loop,
    // so 3 is left without a parent instead of keeping 1.
    const messages = [m(1, { date: 10 }), m(2, { references: refs(1, 3) }), m(3, { references: refs(2) })];
    expect(thread(messages)).toBe('* THREAD (3 2)(1)');
    expect(thread([m(1), m(2, { references: refs(1, 3) }), m(3, { references: refs(2) })])).toBe('* THREAD (1)(3 2)');
  });

  it('gives a duplicate Message-ID a unique ID (the first message keeps it)', () => {
    const messages = [
      m(1, { messageId: '<dup@x>' }),
      m(2, { messageId: '<dup@x>', subject: 'other' }),
      m(3, { references: ['<dup@x>'] }),
    ];
    expect(thread(messages)).toBe('* THREAD (1 3)(2)');
  });

  it('threads messages without any Message-ID', () => {
    expect(thread([m(1, { messageId: null }), m(2, { messageId: null })])).toBe('* THREAD (1)(2)');
  });

  it('lets the real parent replace one guessed from a truncated References (step 1.B)', () => {
    // 3 says 1 -> 2 -> 3; 2 itself has no references: it becomes a root again, then 1/2/3 chain per 3's header.
    expect(thread([m(1), m(3, { references: refs(1, 2) }), m(2, { references: refs(1) })])).toBe('* THREAD (1 2 3)');
  });

  it('groups top-level threads by base subject (step 5)', () => {
    // A reply whose parent is unknown joins the non-reply with the same base subject.
    expect(thread([m(1, { subject: 'Lunch' }), m(2, { subject: 'Re: lunch', messageId: '<z@x>' })])).toBe('* THREAD (1 2)');
    // Two non-replies with the same subject become siblings under a dummy.
    expect(thread([m(1, { subject: 'Lunch' }), m(2, { subject: 'lunch' })])).toBe('* THREAD ((1)(2))');
    // Two replies: the earlier one takes the table; the later is not a reply of a non-reply, so a dummy.
    expect(thread([m(1, { subject: 'Re: x' }), m(2, { subject: 'Re: x' })])).toBe('* THREAD ((1)(2))');
    // Empty subjects are never grouped.
    expect(thread([m(1, { subject: '' }), m(2, { subject: 'Re: ' })])).toBe('* THREAD (1)(2)');
  });

  it('merges a subject into an existing dummy thread', () => {
    const messages = [m(1, { references: refs(99), subject: 'Re: plan' }), m(2, { references: refs(99), subject: 'Re: plan' }), m(3, { subject: 'plan' })];
    expect(thread(messages)).toBe('* THREAD ((1)(2)(3))');
  });

  it('orders siblings and threads by sent date, dummies by their earliest child, ties by mailbox order', () => {
    const messages = [
      m(1, { date: 50 }),
      m(2, { references: refs(1), date: 70 }),
      m(3, { references: refs(1), date: 60 }),
      m(4, { date: 10, references: refs(77) }),
      m(5, { date: 20, references: refs(77) }),
      m(6, { date: 40, sentDate: null, internalDate: day(40) }),
      m(7, { date: 40 }),
    ];
    expect(thread(messages)).toBe('* THREAD ((4)(5))(6)(7)(1 (3)(2))');
  });

  it('handles a 20,000-deep reply chain without recursion', () => {
    const messages: ThreadableMessage[] = [];
    for (let i = 1; i <= 20_000; i++) messages.push(m(i, { inReplyTo: i > 1 ? `<${i - 1}@x>` : null, subject: 'chain' }));
    const result = thread(messages);
    expect(result.startsWith('* THREAD (1 2 3 ')).toBe(true);
    expect(result.endsWith(' 19999 20000)')).toBe(true);
  });
});

describe('THREAD=ORDEREDSUBJECT (RFC 5256 section 3)', () => {
  it('groups by base subject under the earliest message, threads ordered by first date', () => {
    const messages = [
      m(1, { subject: 'Re: beta', date: 5 }),
      m(2, { subject: 'alpha', date: 3 }),
      m(3, { subject: 'beta', date: 4 }),
      m(4, { subject: 'Fwd: ALPHA', date: 1 }),
      m(5, { subject: 'gamma', date: 2 }),
      m(6, { subject: '[x] Re: alpha', date: 9 }),
    ];
    // alpha: 4 (1), 2 (3), 6 (9) -> (4 (2)(6)); beta: 3 (4), 1 (5) -> (3 1); gamma (5)
    expect(thread(messages, 'ORDEREDSUBJECT')).toBe('* THREAD (4 (2)(6))(5)(3 1)');
  });

  it('answers the empty mailbox', () => {
    expect(thread([], 'ORDEREDSUBJECT')).toBe('* THREAD');
    expect(thread([], 'REFERENCES')).toBe('* THREAD');
  });
});
