import { describe, expect, it } from 'vitest';
import { buildReplyDraft, forwardSubject, quoteText, replySubject, shownText, type ReplySource } from './reply-draft';

const bob = { name: 'Bob Builder', address: 'bob@example.test' };
const source: ReplySource = {
  subject: 'Lunch on Friday?',
  from: [bob],
  replyTo: [],
  to: [
    { name: 'Alice', address: 'alice@example.test' },
    { name: 'Carol, C.', address: 'carol@example.test' },
  ],
  cc: [
    { name: null, address: 'Dave@Example.test' },
    { name: null, address: 'sales@example.test' },
  ],
  date: new Date('2026-11-20T12:00:00Z'),
  text: 'Shall we?\r\n> earlier quote\r\n\r\nBob\r\n',
  html: null,
};
// Alice's own addresses: her account and the sales@ alias that delivers to her.
const alice = { address: 'alice@example.test', isOwn: (a: string) => ['alice@example.test', 'sales@example.test'].includes(a.toLowerCase()) };
const addresses = (list: { address: string }[]) => list.map((a) => a.address);

describe('subjects', () => {
  it('adds "Re: " and "Fwd: " once, over any Re/Fwd/Fw/AW/WG prefixes in any case', () => {
    expect(replySubject('Lunch')).toBe('Re: Lunch');
    expect(replySubject('RE: Lunch')).toBe('Re: Lunch');
    expect(replySubject('re:Lunch')).toBe('Re: Lunch');
    expect(replySubject('AW: Re: Fwd: Lunch')).toBe('Re: Lunch');
    expect(replySubject('Re[2]: Lunch')).toBe('Re: Lunch');
    expect(forwardSubject('Fwd: Lunch')).toBe('Fwd: Lunch');
    expect(forwardSubject('FW: wg: Lunch')).toBe('Fwd: Lunch');
    expect(forwardSubject('Re: Lunch')).toBe('Fwd: Lunch');
  });

  it('leaves words that merely start like a prefix', () => {
    expect(replySubject('Rebate: 10%')).toBe('Re: Rebate: 10%');
    expect(forwardSubject('Awards')).toBe('Fwd: Awards');
  });
});

describe('quoting', () => {
  it('quotes RFC 3676 style: "> " per line, ">" more for quoted lines, a bare ">" for empty ones', () => {
    expect(quoteText('a\r\n> b\n\nc\n\n')).toBe('> a\n>> b\n>\n> c');
  });

  it('quotes what the reader showed: the HTML as text (no style, entities decoded) when there is HTML', () => {
    const html = '<style>p { color: red }</style><p>Fish &amp; chips?</p><div>Bob</div>';
    expect(shownText({ text: 'the text part, not shown', html })).toBe('Fish & chips?\n\nBob');
    expect(shownText({ text: 'only text', html: null })).toBe('only text');
  });

  it('replies with an attribution line above the quote, in text and, for HTML mail, in a cite blockquote', () => {
    const text = buildReplyDraft(source, 'reply', alice);
    expect(text.text).toBe('\n\nOn Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder <bob@example.test> wrote:\n> Shall we?\n>> earlier quote\n>\n> Bob\n');
    expect(text.html).toBeNull();
    const html = buildReplyDraft({ ...source, html: '<p>Shall <b>we</b>?</p>' }, 'reply', alice);
    expect(html.text).toContain('wrote:\n> Shall we?\n');
    expect(html.html).toBe('<div><br></div><div>On Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder &lt;bob@example.test&gt; wrote:</div><blockquote type="cite"><p>Shall <b>we</b>?</p></blockquote>');
  });
});

describe('recipients', () => {
  it('reply goes to the sender, and to Reply-To when there is one (RFC 5322 3.6.2)', () => {
    const reply = buildReplyDraft(source, 'reply', alice);
    expect(reply).toMatchObject({ from: 'alice@example.test', to: [bob], cc: [], subject: 'Re: Lunch on Friday?' });
    const list = buildReplyDraft({ ...source, replyTo: [{ name: 'List', address: 'list@example.test' }] }, 'reply', alice);
    expect(list.to).toEqual([{ name: 'List', address: 'list@example.test' }]);
  });

  it('reply-all adds the other To in To and Cc in Cc, each once, never the account’s own addresses', () => {
    const all = buildReplyDraft({ ...source, cc: [...source.cc, { name: null, address: 'BOB@example.test' }, { name: null, address: 'dave@example.test' }] }, 'all', alice);
    expect(addresses(all.to)).toEqual(['bob@example.test', 'carol@example.test']);
    expect(all.to[1]).toEqual({ name: 'Carol, C.', address: 'carol@example.test' });
    expect(addresses(all.cc)).toEqual(['Dave@Example.test']);
  });

  it('answers from the own address the message was sent to', () => {
    const toAlias = buildReplyDraft({ ...source, to: [{ name: null, address: 'Sales@example.test' }], cc: [] }, 'all', alice);
    expect(toAlias.from).toBe('Sales@example.test');
    expect(toAlias.to).toEqual([bob]);
  });

  it('a reply to one’s own sent message goes to its recipients; a note to oneself to oneself', () => {
    const sent = { ...source, from: [{ name: 'Alice', address: 'alice@example.test' }], to: [bob], cc: [{ name: null, address: 'carol@example.test' }] };
    expect(buildReplyDraft(sent, 'reply', alice)).toMatchObject({ from: 'alice@example.test', to: [bob], cc: [] });
    const all = buildReplyDraft(sent, 'all', alice);
    expect([addresses(all.to), addresses(all.cc)]).toEqual([['bob@example.test'], ['carol@example.test']]);
    const note = buildReplyDraft({ ...sent, to: [{ name: null, address: 'alice@example.test' }], cc: [] }, 'all', alice);
    expect([addresses(note.to), note.cc]).toEqual([['alice@example.test'], []]);
  });
});

describe('forward', () => {
  it('has no recipients, "Fwd: ", a Forwarded message header block and the whole message', () => {
    const forward = buildReplyDraft(source, 'forward', alice);
    expect(forward).toMatchObject({ from: 'alice@example.test', to: [], cc: [], subject: 'Fwd: Lunch on Friday?', html: null });
    expect(forward.text).toBe(
      [
        '',
        '',
        '---------- Forwarded message ----------',
        'From: Bob Builder <bob@example.test>',
        'Date: Fri, 20 Nov 2026 12:00:00 GMT',
        'Subject: Lunch on Friday?',
        'To: Alice <alice@example.test>, "Carol, C." <carol@example.test>',
        'Cc: Dave@Example.test, sales@example.test',
        '',
        'Shall we?\n> earlier quote\n\nBob\n',
      ].join('\n'),
    );
    const html = buildReplyDraft({ ...source, cc: [], html: '<p>Shall <b>we</b>?</p>' }, 'forward', alice);
    expect(html.html).toMatch(/^<div><br><\/div><div>---------- Forwarded message ----------<\/div><div>From: Bob Builder &lt;bob@example.test&gt;<\/div>.*<div>To: .*<\/div><div><br><\/div><p>Shall <b>we<\/b>\?<\/p>$/);
    expect(html.text).toMatch(/To: [^\n]*\n\nShall we\?$/);
  });
});
