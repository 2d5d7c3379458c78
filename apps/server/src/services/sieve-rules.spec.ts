import { describe, expect, it } from 'vitest';
import type { MailRule, RuleEntry, VacationSettings } from '@mailstead/contracts';
import { compileSieve, runSieve, sieveMessage, type SieveHost } from '@mailstead/sieve';
import { canonicalActions, HEADER_COMMENT, readRules, rulesToSieve, sieveString, sieveToRules, type ParsedRules } from './sieve-rules';

const rule = (over: Partial<MailRule>): MailRule => ({ name: 'A rule', enabled: true, match: 'all', conditions: [], actions: [{ type: 'stop' }], ...over });
const entries = (...rules: MailRule[]): RuleEntry[] => rules.map((r) => ({ kind: 'rule', rule: r }));

const everyKind: MailRule[] = [
  rule({
    name: 'Newsletters',
    match: 'any',
    conditions: [
      { field: 'listId', match: 'contains', negate: false, value: 'news.example.com' },
      { field: 'from', match: 'is', negate: false, value: 'news@example.com' },
      { field: 'header', header: 'X-Mailer', match: 'matches', negate: true, value: 'Bulk*' },
    ],
    actions: [{ type: 'markRead' }, { type: 'addKeyword', keyword: '$Newsletter' }, { type: 'move', mailbox: 'Lists/News' }, { type: 'stop' }],
  }),
  rule({
    name: 'Boss',
    conditions: [
      { field: 'to', match: 'contains', negate: false, value: 'team@example.com' },
      { field: 'subject', match: 'contains', negate: true, value: 'lunch' },
      { field: 'size', comparison: 'under', kilobytes: 500 },
      { field: 'hasAttachment', negate: false },
    ],
    actions: [{ type: 'flag' }, { type: 'copy', mailbox: 'Important' }, { type: 'forward', address: 'me@elsewhere.test', keepCopy: true }],
  }),
  rule({
    name: 'Spam and big mail',
    enabled: false,
    conditions: [
      { field: 'spamScore', score: 6 },
      { field: 'size', comparison: 'over', kilobytes: 10240 },
      { field: 'hasAttachment', negate: true },
    ],
    actions: [{ type: 'reject', reason: 'Too big.' }],
  }),
  rule({ name: 'Everything else', actions: [{ type: 'forward', address: 'archive@example.test', keepCopy: false }] }),
  rule({ name: 'Disabled catch-all', enabled: false, actions: [{ type: 'discard' }] }),
];

const vacation: VacationSettings = {
  enabled: true,
  subject: 'Away until "Monday"',
  message: 'I am away.\nBack on Monday.\n.\nA line with a dot above.',
  html: false,
  start: '2026-12-20',
  end: '2027-01-04',
  addresses: ['alice@example.com', 'a.smith@example.com'],
  days: 5,
};

describe('rules -> Sieve -> rules', () => {
  it('gives back every kind of condition and action, the vacation reply and disabled rules', () => {
    const model: ParsedRules = { entries: entries(...everyKind), vacation, extensions: [] };
    const script = rulesToSieve(model);
    expect(sieveToRules(script)).toEqual(model);
  });

  it('writes a recognisable structure: a marker comment per rule, one require, disabled rules as allof (false, ...)', () => {
    const script = rulesToSieve({ entries: entries(everyKind[0]!, everyKind[2]!), vacation: null, extensions: [] });
    expect(script.startsWith(`${HEADER_COMMENT}\nrequire [`)).toBe(true);
    expect(script).toContain('# rule: {"name":"Newsletters","enabled":true}\nif anyof (header :contains "list-id" "news.example.com", address :is "from" "news@example.com", not header :matches "X-Mailer" "Bulk*") {');
    expect(script).toContain('  addflag "\\\\Seen";\n  addflag "$Newsletter";\n  fileinto "Lists/News";\n  stop;\n}');
    expect(script).toContain('# rule: {"name":"Spam and big mail","enabled":false}\nif allof (false, allof (spamtest :value "gt" :comparator "i;ascii-numeric" "6", size :over 10240K, not header :contains "content-type" "multipart/mixed")) {');
    expect(script).toMatch(/^require \["comparator-i;ascii-numeric", "fileinto", "imap4flags", "reject", "relational", "spamtest"\];$/m);
  });

  it('writes the vacation block with its dates, days, subject, addresses and an HTML body through :mime', () => {
    const html: VacationSettings = { ...vacation, html: true, message: '<p>Away</p>', start: null };
    const script = rulesToSieve({ entries: [], vacation: html, extensions: [] });
    expect(script).toContain(
      '# vacation: {"enabled":true}\nif allof (currentdate :value "le" "date" "2027-01-04") {\n  vacation :days 5 :subject "Away until \\"Monday\\"" :addresses ["alice@example.com", "a.smith@example.com"] :mime "Content-Type: text/html; charset=utf-8\n\n<p>Away</p>";\n}',
    );
    expect(script).toMatch(/^require \["date", "relational", "vacation"\];$/m);
    expect(sieveToRules(script).vacation).toEqual(html);
    const off = rulesToSieve({ entries: [], vacation: { ...vacation, enabled: false, start: null, end: null, subject: '', addresses: [] }, extensions: [] });
    expect(off).toContain('if false {\n  vacation :days 5 "I am away.');
    expect(sieveToRules(off).vacation).toEqual({ ...vacation, enabled: false, start: null, end: null, subject: '', addresses: [] });
  });

  it('puts the actions of a rule in the order Sieve needs (flags first, stop last) and reads them back so', () => {
    const mixed = rule({ actions: [{ type: 'stop' }, { type: 'move', mailbox: 'X' }, { type: 'markRead' }, { type: 'forward', address: 'a@b.test', keepCopy: true }, { type: 'flag' }] });
    const canonical = canonicalActions(mixed.actions);
    expect(canonical.map((a) => a.type)).toEqual(['markRead', 'flag', 'move', 'forward', 'stop']);
    expect(sieveToRules(rulesToSieve({ entries: entries(mixed), vacation: null, extensions: [] })).entries).toEqual(entries({ ...mixed, actions: canonical }));
  });
});

describe('escaping', () => {
  it('quotes backslashes and double quotes, and keeps multi-line text exactly', () => {
    expect(sieveString('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    const tricky = rule({
      name: 'Quotes "and" back\\slashes {braces}; # not a comment',
      conditions: [
        { field: 'subject', match: 'is', negate: false, value: 'a "quoted" \\ value' },
        { field: 'header', header: 'X-Odd', match: 'matches', negate: false, value: '\\*literal star\\?' },
      ],
      actions: [{ type: 'reject', reason: 'Line one\n.\n..two dots\n"quoted" and \\ back\n\n' }],
    });
    const script = rulesToSieve({ entries: entries(tricky), vacation: null, extensions: [] });
    expect(script).toContain('header :is "subject" "a \\"quoted\\" \\\\ value"');
    expect(script).toContain('# rule: {"name":"Quotes \\"and\\" back\\\\slashes {braces}; # not a comment","enabled":true}');
    expect(sieveToRules(script).entries).toEqual(entries(tricky));
  });

  it('reads CRLF scripts and text: strings with dot-stuffing (RFC 5228 2.4.2)', () => {
    const script = ['# rule: {"name":"Text","enabled":true}', 'if true {', '  reject text: # the reason', 'Sorry.', '..hidden dot', '.', ';', '}', ''].join('\r\n');
    expect(sieveToRules(script).entries).toEqual(entries(rule({ name: 'Text', actions: [{ type: 'reject', reason: 'Sorry.\n.hidden dot\n' }] })));
  });
});

describe('what the rules view does not recognise', () => {
  const handWritten = [
    'require ["fileinto", "variables", "envelope"];',
    '# my own filter, keep it',
    'if envelope :is "from" "x@y.test" { set "a" "b"; fileinto "From X"; }',
    '',
    '# rule: {"name":"Lists","enabled":true}',
    'if allof (header :contains "list-id" "lists.example") {',
    '  fileinto "Lists";',
    '}',
    '',
    '# rule: {"name":"Edited by hand","enabled":true}',
    'if allof (header :contains "subject" "x") {',
    '  fileinto "Y";',
    '} else {',
    '  keep;',
    '}',
    '/* a trailing comment */',
    '',
  ].join('\n');

  it('is kept as raw blocks in its place, with its comments and requires', () => {
    const parsed = sieveToRules(handWritten);
    expect(parsed.extensions).toEqual(['envelope', 'variables']);
    expect(parsed.entries).toEqual([
      { kind: 'raw', sieve: '# my own filter, keep it\nif envelope :is "from" "x@y.test" { set "a" "b"; fileinto "From X"; }' },
      { kind: 'rule', rule: rule({ name: 'Lists', conditions: [{ field: 'listId', match: 'contains', negate: false, value: 'lists.example' }], actions: [{ type: 'move', mailbox: 'Lists' }] }) },
      {
        kind: 'raw',
        sieve: '# rule: {"name":"Edited by hand","enabled":true}\nif allof (header :contains "subject" "x") {\n  fileinto "Y";\n} else {\n  keep;\n}\n\n/* a trailing comment */',
      },
    ]);
  });

  it('survives saving: script -> rules -> script -> rules changes nothing more', () => {
    const once = rulesToSieve(sieveToRules(handWritten));
    expect(once).toMatch(/^require \["envelope", "fileinto", "variables"\];$/m);
    expect(once).toContain('if envelope :is "from" "x@y.test" { set "a" "b"; fileinto "From X"; }');
    expect(rulesToSieve(sieveToRules(once))).toBe(once);
    expect(sieveToRules(once)).toEqual(sieveToRules(handWritten));
  });

  it('a marker over a block the editor cannot show, or a rule with an unknown test, is raw', () => {
    const odd = '# rule: {"name":"Odd","enabled":true}\nif allof (exists "x-spam") {\n  fileinto "Junk";\n}\n';
    expect(sieveToRules(odd).entries).toEqual([{ kind: 'raw', sieve: odd.trim() }]);
    const badMarker = '# rule: not json\nif true {\n  stop;\n}\n';
    expect(sieveToRules(badMarker).entries).toEqual([{ kind: 'raw', sieve: badMarker.trim() }]);
  });

  it('a script that is not Sieve syntax at all is one raw block', () => {
    expect(readRules('if "unterminated { ').entries).toEqual([{ kind: 'raw', sieve: 'if "unterminated {' }]);
    expect(readRules('')).toEqual({ entries: [], vacation: null, extensions: [] });
  });
});

describe('what the generated Sieve does (libs/sieve)', () => {
  const host: SieveHost = { include: () => Promise.resolve(null), duplicateSeen: () => Promise.resolve(false), mailboxExists: () => Promise.resolve(true) };
  const message = (headers: string[], body = 'Hello.') => sieveMessage(Buffer.from([...headers, '', body, ''].join('\r\n')));
  const run = async (model: ParsedRules, headers: string[], extra: { spamScore?: number; now?: Date } = {}) => {
    const compiled = compileSieve(rulesToSieve(model));
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    return runSieve([compiled.script], { message: message(headers), envelope: { from: 'sender@remote.test', to: 'alice@example.com' }, userAddresses: ['alice@example.com'], ...extra }, host);
  };

  it('compiles every kind of rule and the vacation reply, plain and HTML', () => {
    for (const v of [vacation, { ...vacation, html: true, message: '<p>Away</p>' }, { ...vacation, enabled: false }]) {
      const result = compileSieve(rulesToSieve({ entries: entries(...everyKind), vacation: v, extensions: [] }));
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });

  it('files, flags and stops as the rules say; a disabled rule never matches', async () => {
    const model: ParsedRules = { entries: entries(everyKind[0]!, everyKind[4]!), vacation: null, extensions: [] };
    const list = await run(model, ['From: Shop <deals@shop.test>', 'To: alice@example.com', 'Subject: Sale', 'List-Id: <news.example.com>']);
    expect(list.actions).toEqual([{ type: 'fileinto', mailbox: 'Lists/News', flags: ['\\Seen', '$Newsletter'], create: false, copy: false }]);
    // not a list: the disabled discard-everything rule does nothing, the message is kept
    const other = await run(model, ['From: carol@friends.test', 'To: alice@example.com', 'Subject: Hi', 'X-Mailer: Bulk Mailer 2']);
    expect(other.actions).toEqual([{ type: 'keep', flags: [] }]);
  });

  it('tests To/Cc, size, attachments and the spam score', async () => {
    const model: ParsedRules = { entries: entries(everyKind[1]!, { ...everyKind[2]!, enabled: true }), vacation: null, extensions: [] };
    const boss = await run(model, ['From: boss@example.com', 'To: someone@example.com', 'Cc: team@example.com', 'Subject: Report', 'Content-Type: multipart/mixed; boundary=x']);
    expect(boss.actions).toEqual(
      expect.arrayContaining([
        { type: 'fileinto', mailbox: 'Important', flags: ['\\Flagged'], create: false, copy: true },
        { type: 'redirect', address: 'me@elsewhere.test', copy: true },
        { type: 'keep', flags: ['\\Flagged'] },
      ]),
    );
    // spam score over 6 (of 10), no attachment, but not over 10 MB: the reject rule does not hold
    const spam = await run(model, ['From: x@spam.test', 'To: alice@example.com', 'Subject: Win'], { spamScore: 90 });
    expect(spam.actions).toEqual([{ type: 'keep', flags: [] }]);
    const spamOnly: ParsedRules = { entries: entries(rule({ conditions: [{ field: 'spamScore', score: 6 }], actions: [{ type: 'move', mailbox: 'Junk' }] })), vacation: null, extensions: [] };
    expect((await run(spamOnly, ['From: x@spam.test', 'Subject: Win'], { spamScore: 90 })).actions).toEqual([{ type: 'fileinto', mailbox: 'Junk', flags: [], create: false, copy: false }]);
    expect((await run(spamOnly, ['From: x@spam.test', 'Subject: Win'], { spamScore: 30 })).actions).toEqual([{ type: 'keep', flags: [] }]);
  });

  it('answers with the vacation reply only between its first and last day', async () => {
    const model: ParsedRules = { entries: [], vacation, extensions: [] };
    const headers = ['From: friend@remote.test', 'To: alice@example.com', 'Subject: Hi', 'Message-ID: <hi@remote.test>'];
    const during = await run(model, headers, { now: new Date('2026-12-24T12:00:00Z') });
    expect(during.actions).toContainEqual(expect.objectContaining({ type: 'vacation', subject: 'Away until "Monday"', reason: vacation.message, addresses: vacation.addresses, days: 5 }));
    for (const now of [new Date('2026-12-19T12:00:00Z'), new Date('2027-01-05T12:00:00Z')]) {
      expect((await run(model, headers, { now })).actions.map((a) => a.type)).toEqual(['keep']);
    }
  });
});
