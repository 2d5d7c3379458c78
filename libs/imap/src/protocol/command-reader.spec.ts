import { describe, expect, it } from 'vitest';
import { CommandReader, DEFAULT_READER_LIMITS, type ReaderEvent, type ReaderLimits } from './command-reader';

/** Runs the same input twice: in one chunk, and one byte at a time; both must give the same events. */
function read(input: string | Buffer, limits: Partial<ReaderLimits> = {}): ReaderEvent[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const whole = new CommandReader({ ...DEFAULT_READER_LIMITS, ...limits }).push(bytes);
  const reader = new CommandReader({ ...DEFAULT_READER_LIMITS, ...limits });
  const split: ReaderEvent[] = [];
  for (let i = 0; i < bytes.length; i++) split.push(...reader.push(bytes.subarray(i, i + 1)));
  expect(split).toEqual(whole);
  return whole;
}

const atom = (value: string) => ({ kind: 'atom', value });
const str = (value: string, literal = false) => ({ kind: 'string', value: Buffer.from(value), literal });

describe('CommandReader (RFC 3501 section 9 grammar), whole and byte by byte', () => {
  it('reads tags, command names, atoms and quoted strings', () => {
    expect(read('a001 LOGIN SMITH "sesame \\"quoted\\" \\\\ back"\r\n')).toEqual([
      { type: 'command', command: { tag: 'a001', name: 'LOGIN', args: [atom('SMITH'), str('sesame "quoted" \\ back')] } },
    ]);
  });

  it('upper-cases command names and joins UID commands', () => {
    const [e] = read('A3 uid fetch 1:* (FLAGS)\r\n');
    expect(e).toEqual({ type: 'command', command: { tag: 'A3', name: 'UID FETCH', args: [atom('1:*'), { kind: 'list', items: [atom('FLAGS')] }] } });
  });

  it('reads a synchronizing literal, asking for the continuation (RFC 3501 7.5 example)', () => {
    const events = read('A003 APPEND saved-messages (\\Seen) {23}\r\nDate: Mon, 7 Feb 1994\r\n\r\n');
    expect(events).toEqual([
      { type: 'continue', size: 23 },
      {
        type: 'command',
        command: { tag: 'A003', name: 'APPEND', args: [atom('saved-messages'), { kind: 'list', items: [atom('\\Seen')] }, str('Date: Mon, 7 Feb 1994\r\n', true)] },
      },
    ]);
  });

  it('reads LITERAL+ without a continuation, and literals inside lists', () => {
    expect(read('x LOGIN {5+}\r\nalice {3+}\r\npw!\r\n')).toEqual([
      { type: 'command', command: { tag: 'x', name: 'LOGIN', args: [str('alice', true), str('pw!', true)] } },
    ]);
    expect(read('y SEARCH (SUBJECT {2+}\r\nhi)\r\n')).toEqual([
      { type: 'command', command: { tag: 'y', name: 'SEARCH', args: [{ kind: 'list', items: [atom('SUBJECT'), str('hi', true)] }] } },
    ]);
    expect(read('z X {0}\r\n\r\n')).toEqual([{ type: 'continue', size: 0 }, { type: 'command', command: { tag: 'z', name: 'X', args: [str('', true)] } }]);
  });

  it('keeps a body section with spaces and parentheses in one atom', () => {
    const [e] = read('a FETCH 1 (BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.2048> BODY[1.2.MIME] FLAGS)\r\n');
    expect(e).toMatchObject({
      command: { args: [atom('1'), { kind: 'list', items: [atom('BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.2048>'), atom('BODY[1.2.MIME]'), atom('FLAGS')] }] },
    });
  });

  // RFC 3501 9: ATOM-CHAR is any CHAR but atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\\" "]".
  const ATOM_CHARS = [...Array(0x7f - 0x21).keys()].map((i) => String.fromCharCode(0x21 + i)).filter((c) => !'(){%*"\\]'.includes(c));

  it('reads every ATOM-CHAR of RFC 3501 alone, first, last and inside an atom', () => {
    expect(ATOM_CHARS).toHaveLength(86);
    for (const c of ATOM_CHARS) {
      for (const value of [c, `${c}foo`, `foo${c}`, `f${c}o`]) {
        expect({ value, events: read(`a SELECT ${value}\r\n`) }).toEqual({ value, events: [{ type: 'command', command: { tag: 'a', name: 'SELECT', args: [atom(value)] } }] });
      }
    }
    const all = ATOM_CHARS.join('');
    expect(read(`b LIST "" ${all}\r\n`)).toEqual([{ type: 'command', command: { tag: 'b', name: 'LIST', args: [str(''), atom(all)] } }]);
  });

  it('reads "~" and "[" as atom characters: only "~{" starts literal8, "[" opens a section only after a FETCH item', () => {
    expect(read('a SELECT ~foo\r\n')).toEqual([{ type: 'command', command: { tag: 'a', name: 'SELECT', args: [atom('~foo')] } }]);
    expect(read('b LIST "" ~foo\r\n')).toEqual([{ type: 'command', command: { tag: 'b', name: 'LIST', args: [str(''), atom('~foo')] } }]);
    expect(read('c LIST "" [px*\r\n')).toEqual([{ type: 'command', command: { tag: 'c', name: 'LIST', args: [str(''), atom('[px*')] } }]);
    const issueAtom = "!#$&'+,-.0123456789:;<=>?@^_`|[}";
    expect(read(`d CREATE ${issueAtom}\r\n`)).toEqual([{ type: 'command', command: { tag: 'd', name: 'CREATE', args: [atom(issueAtom)] } }]);
    // ASTRING-CHAR adds "]" (resp-specials), first character included.
    expect(read('e SELECT ]x]\r\n')).toEqual([{ type: 'command', command: { tag: 'e', name: 'SELECT', args: [atom(']x]')] } }]);
    expect(read('f APPEND box ~{2+}\r\nhi\r\n')).toEqual([{ type: 'command', command: { tag: 'f', name: 'APPEND', args: [atom('box'), str('hi', true)] } }]);
    expect(read('g APPEND box ~{2} x\r\n')[0]).toMatchObject({ type: 'error', tag: 'g', message: 'Invalid literal' });
    expect(read('h FETCH 1 (BINARY.PEEK[1 ] BINARY.SIZE[2] body[text])\r\n')).toEqual([
      { type: 'command', command: { tag: 'h', name: 'FETCH', args: [atom('1'), { kind: 'list', items: [atom('BINARY.PEEK[1 ]'), atom('BINARY.SIZE[2]'), atom('body[text]')] }] } },
    ]);
    expect(read('i FETCH 1 BODY[TEXT\r\n')[0]).toMatchObject({ type: 'error', tag: 'i', message: 'Unterminated section' });
  });

  it('reads nested lists, NIL, wildcards and system flags', () => {
    const [e] = read('t LIST (SUBSCRIBED) "" % RETURN (STATUS (MESSAGES)) NIL\r\n');
    expect(e).toMatchObject({
      command: {
        args: [
          { kind: 'list', items: [atom('SUBSCRIBED')] },
          str(''),
          atom('%'),
          atom('RETURN'),
          { kind: 'list', items: [atom('STATUS'), { kind: 'list', items: [atom('MESSAGES')] }] },
          atom('NIL'),
        ],
      },
    });
  });

  it('accepts bare LF line ends and pipelined commands', () => {
    const events = read('a NOOP\nb NOOP\r\nc CAPABILITY\r\n');
    expect(events.map((e) => e.type === 'command' && e.command.tag)).toEqual(['a', 'b', 'c']);
  });

  it('delivers a raw line when the session asks for one (AUTHENTICATE, IDLE DONE)', () => {
    const reader = new CommandReader();
    expect(reader.push(Buffer.from('a IDLE\r\n'))[0]).toMatchObject({ type: 'command' });
    reader.expectLine();
    expect(reader.push(Buffer.from('DO'))).toEqual([]);
    expect(reader.push(Buffer.from('NE\r\nb NOOP\r\n'))).toEqual([
      { type: 'line', text: 'DONE' },
      { type: 'command', command: { tag: 'b', name: 'NOOP', args: [] } },
    ]);
  });

  it('reports syntax errors with the tag when there is one', () => {
    expect(read('a1 LOGIN "open\r\n')).toEqual([{ type: 'error', tag: 'a1', code: 'syntax', message: 'Unterminated quoted string', fatal: false }]);
    expect(read('a2 X (a (b)\r\n')[0]).toMatchObject({ type: 'error', tag: 'a2', message: 'Unbalanced parenthesis' });
    expect(read('a3 X a)\r\n')[0]).toMatchObject({ type: 'error', tag: 'a3' });
    expect(read('(bad\r\n')[0]).toMatchObject({ type: 'error', tag: null });
    expect(read('a4\r\n')[0]).toMatchObject({ type: 'error', tag: 'a4', message: 'Missing command' });
    expect(read('a5 X {3}x\r\n')[0]).toMatchObject({ type: 'error', tag: 'a5' });
    expect(read('a6 X "bad\\q"\r\n')[0]).toMatchObject({ type: 'error', message: 'Invalid escape in quoted string' });
    expect(read('\r\n')).toEqual([]);
  });

  it('limits nesting depth', () => {
    expect(read(`n X ${'('.repeat(5)}${')'.repeat(5)}\r\n`, { maxNesting: 4 })[0]).toMatchObject({ type: 'error', code: 'nesting', tag: 'n' });
    expect(read(`n X ${'('.repeat(4)}${')'.repeat(4)}\r\n`, { maxNesting: 4 })[0]).toMatchObject({ type: 'command' });
  });

  it('discards an over-long line without buffering it, then reads on', () => {
    const events = read(`l1 NOOP ${'x'.repeat(500)}\r\nl2 NOOP\r\n`, { maxLineLength: 100 });
    expect(events).toEqual([
      { type: 'error', tag: 'l1', code: 'too-long', message: 'Line too long', fatal: false },
      { type: 'command', command: { tag: 'l2', name: 'NOOP', args: [] } },
    ]);
  });

  it('refuses an oversized synchronizing literal (NO [TOOBIG]) and ends the stream on an oversized LITERAL+', () => {
    expect(read('b1 APPEND INBOX {1000}\r\nb2 NOOP\r\n', { maxLiteralSize: 100 })).toEqual([
      { type: 'error', tag: 'b1', code: 'too-big', message: 'Literal too big', fatal: false },
      { type: 'command', command: { tag: 'b2', name: 'NOOP', args: [] } },
    ]);
    expect(read(`b3 APPEND INBOX {1000+}\r\n${'x'.repeat(1000)}\r\nb4 NOOP\r\n`, { maxLiteralSize: 100 })).toEqual([
      { type: 'error', tag: 'b3', code: 'too-big', message: 'Literal too big', fatal: true },
    ]);
  });

  it('rejects an over-long tag', () => {
    expect(read(`${'t'.repeat(80)} NOOP\r\n`)[0]).toMatchObject({ type: 'error', message: 'Tag too long' });
  });

  it('keeps binary literal content as is', () => {
    const body = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0xff]);
    const input = Buffer.concat([Buffer.from('q APPEND INBOX {6+}\r\n'), body, Buffer.from('\r\n')]);
    const [e] = read(input);
    expect(e).toMatchObject({ type: 'command' });
    expect(e?.type === 'command' && (e.command.args[1] as { value: Buffer }).value).toEqual(body);
  });
});
