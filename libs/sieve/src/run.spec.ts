import { describe, expect, it } from 'vitest';
import { compileSieve, runSieve, sieveMessage } from './index';
import { compiled, memoryHost, message, run } from './test-support';

const plain = message({ From: 'Alice <alice@example.org>', To: 'me@example.com', Subject: 'hello' });

describe('runSieve: RFC 5228 base', () => {
  const example = `require ["fileinto"];
if header :is "Sender" "owner-ietf-mta-filters@imc.org" { fileinto "filter"; }
elsif address :DOMAIN :is ["From", "To"] "example.com" { keep; }
elsif anyof (NOT address :all :contains ["To", "Cc", "Bcc"] "me@example.com",
             header :matches "subject" ["*make*money*fast*", "*university*dipl*mas*"]) { fileinto "spam"; }
else { fileinto "personal"; }`;

  it('runs the section 9 example on four messages', async () => {
    const list = message({ Sender: 'owner-ietf-mta-filters@imc.org', From: 'x@imc.org', To: 'ietf-mta-filters@imc.org' });
    const company = message({ From: 'boss@example.com', To: 'me@example.com' });
    const spam = message({ From: 'a@b.example', To: 'me@example.com.au', Subject: 'MAKE big MONEY FAST now' });
    const notToMe = message({ From: 'a@b.example', To: 'someone@example.net', Subject: 'hi' });
    const personal = message({ From: 'friend@b.example', To: 'me@example.com.au', Subject: 'dinner' });
    expect((await run(example, list)).actions).toEqual([{ type: 'fileinto', mailbox: 'filter', flags: [], create: false, copy: false }]);
    expect((await run(example, company)).actions).toEqual([{ type: 'keep', flags: [] }]);
    expect((await run(example, spam)).actions).toEqual([{ type: 'fileinto', mailbox: 'spam', flags: [], create: false, copy: false }]);
    expect((await run(example, notToMe)).actions).toEqual([{ type: 'fileinto', mailbox: 'spam', flags: [], create: false, copy: false }]);
    expect((await run(example, personal)).actions).toEqual([{ type: 'fileinto', mailbox: 'personal', flags: [], create: false, copy: false }]);
  });

  it('keeps implicitly when nothing cancels it, also after :copy', async () => {
    expect((await run('if false { discard; }', plain)).actions).toEqual([{ type: 'keep', flags: [] }]);
    const copy = await run('require ["fileinto", "copy"]; fileinto :copy "A"; redirect :copy "x@example.net";', plain);
    expect(copy.actions).toEqual([
      { type: 'keep', flags: [] },
      { type: 'fileinto', mailbox: 'A', flags: [], create: false, copy: true },
      { type: 'redirect', address: 'x@example.net', copy: true },
    ]);
  });

  it('cancels the implicit keep with fileinto, redirect, discard and reject', async () => {
    expect((await run('require "fileinto"; fileinto "A";', plain)).actions.map((a) => a.type)).toEqual(['fileinto']);
    expect((await run('redirect "x@example.net";', plain)).actions.map((a) => a.type)).toEqual(['redirect']);
    expect((await run('discard;', plain)).actions).toEqual([{ type: 'discard' }]);
    expect((await run('require "reject"; reject "go away";', plain)).actions).toEqual([{ type: 'reject', reason: 'go away', extended: false }]);
    // discard then keep: the explicit keep wins
    expect((await run('discard; keep;', plain)).actions).toEqual([{ type: 'keep', flags: [] }]);
  });

  it('files into one mailbox once, and keep with fileinto "INBOX" is one keep', async () => {
    const r = await run('require "fileinto"; fileinto "A"; fileinto "A"; keep; fileinto "INBOX"; redirect "x@example.net"; redirect "x@EXAMPLE.net";', plain);
    expect(r.actions).toEqual([
      { type: 'fileinto', mailbox: 'A', flags: [], create: false, copy: false },
      { type: 'keep', flags: [] },
      { type: 'redirect', address: 'x@example.net', copy: false },
    ]);
    // local parts are case-sensitive: two redirects (as Pigeonhole does)
    expect((await run('redirect "x@example.net"; redirect "X@example.net";', plain)).actions).toHaveLength(2);
  });

  it('stops at stop, and follows if/elsif/else', async () => {
    const r = await run('require "fileinto"; if false { fileinto "a"; } elsif true { fileinto "b"; stop; } else { fileinto "c"; } fileinto "d";', plain);
    expect(r.actions.map((a) => (a.type === 'fileinto' ? a.mailbox : a.type))).toEqual(['b']);
  });

  it('refuses reject together with keep, fileinto or redirect (RFC 5429 2.1) and falls back to keep', async () => {
    for (const other of ['keep;', 'fileinto "x";', 'redirect "a@example.net";']) {
      const r = await run(`require ["reject", "fileinto"]; ${other} reject "no";`, plain);
      expect(r.error?.message).toMatch(/^reject cannot be combined with/);
      expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
    }
    const after = await run('require ["ereject", "fileinto"]; ereject "no"; fileinto "x";', plain);
    expect(after.error).toMatchObject({ message: 'fileinto cannot be combined with ereject', line: 1, column: 48 });
  });

  it('compares headers decoded (RFC 2047) with :is, :contains, :matches and the comparators', async () => {
    const m = message({ Subject: '=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=', 'X-Num': '0042 apples', From: 'a@example.org' });
    const t = async (test: string) => (await run(`require ["fileinto", "comparator-i;ascii-numeric", "relational"]; if ${test} { fileinto "yes"; }`, m)).actions[0]!.type;
    expect(await t('header :is "subject" "Grüße aus Köln"')).toBe('fileinto');
    expect(await t('header :contains "subject" "AUS"')).toBe('fileinto');
    expect(await t('header :contains :comparator "i;octet" "subject" "AUS"')).toBe('keep');
    expect(await t('header :matches "subject" "Gr??e * K?ln"')).toBe('fileinto');
    expect(await t('header :matches "subject" "Gr?e*"')).toBe('keep');
    expect(await t('header :is :comparator "i;ascii-numeric" "x-num" "42"')).toBe('fileinto');
    expect(await t('header :value "gt" :comparator "i;ascii-numeric" "x-num" "41"')).toBe('fileinto');
    expect(await t('header :value "lt" :comparator "i;ascii-numeric" "x-num" "41"')).toBe('keep');
    expect(await t('header :count "eq" :comparator "i;ascii-numeric" ["subject", "x-num", "to"] "2"')).toBe('fileinto');
    expect(await t('exists ["subject", "x-num"]')).toBe('fileinto');
    expect(await t('exists ["subject", "x-none"]')).toBe('keep');
    expect(await t('size :over 10')).toBe('fileinto');
    expect(await t('size :under 10')).toBe('keep');
    expect(await t('header :matches "subject" "\\\\*"')).toBe('keep');
  });

  it('matches wildcards with escapes (RFC 5228 2.7.1)', async () => {
    const m = message({ Subject: 'a*b?c\\d' });
    const hit = async (key: string) => (await run(`require "fileinto"; if header :matches "subject" ${JSON.stringify(key)} { fileinto "y"; }`, m)).actions[0]!.type === 'fileinto';
    expect(await hit('a\\*b\\?c\\\\d')).toBe(true);
    expect(await hit('a\\*b\\?c\\\\')).toBe(false);
    expect(await hit('*\\?*')).toBe(true);
    expect(await hit('a\\?*')).toBe(false);
  });

  it('reads address parts, subaddresses and the envelope', async () => {
    const m = message({ From: '"Doe, Jane" <jane+lists@Example.ORG> (work)', To: 'undisclosed-recipients:;', Cc: 'a@x.example, b@y.example' });
    const t = async (test: string, env?: { from: string; to: string }) =>
      (await run(`require ["fileinto", "envelope", "subaddress", "relational", "comparator-i;ascii-numeric"]; if ${test} { fileinto "y"; }`, m, env ? { envelope: env } : {})).actions[0]!.type;
    expect(await t('address :localpart "from" "jane+lists"')).toBe('fileinto');
    // addresses are read before RFC 2047 decoding, so an encoded comma in a name splits nothing
    const encoded = message({ From: '=?UTF-8?Q?Doe=2C_Jane?= <jane@example.org>' });
    const one = await run('require ["fileinto", "relational", "comparator-i;ascii-numeric"]; if address :count "eq" :comparator "i;ascii-numeric" "from" "1" { fileinto "one"; }', encoded);
    expect(one.actions).toMatchObject([{ mailbox: 'one' }]);
    expect(await t('address :domain "from" "example.org"')).toBe('fileinto');
    expect(await t('address :user "from" "jane"')).toBe('fileinto');
    expect(await t('address :detail "from" "lists"')).toBe('fileinto');
    expect(await t('address :all :is "from" "jane+lists@example.org"')).toBe('fileinto');
    expect(await t('address :count "eq" :comparator "i;ascii-numeric" "cc" "2"')).toBe('fileinto');
    expect(await t('address :count "eq" :comparator "i;ascii-numeric" "to" "0"')).toBe('fileinto');
    expect(await t('envelope :domain "to" "example.com"')).toBe('fileinto');
    expect(await t('envelope :detail "to" "tag"', { from: 'a@b.c', to: 'me+tag@example.com' })).toBe('fileinto');
    expect(await t('envelope :detail "to" "*"', { from: 'a@b.c', to: 'me@example.com' })).toBe('keep');
    expect(await t('envelope :all :is "from" ""', { from: '', to: 'me@example.com' })).toBe('fileinto');
  });

  it('falls back to keep on a run-time error (RFC 5228 2.10.6), naming the position', async () => {
    const r = await run('require ["variables", "fileinto"]; set "a" "not an address"; fileinto "x";\nredirect "${a}";', plain);
    expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
    expect(r.error).toEqual({ message: 'redirect: "not an address" is not a valid address', line: 2, column: 1, script: '0' });
  });
});

describe('runSieve: variables (RFC 5229)', () => {
  it('sets match variables from :matches as the RFC 5229 3.2 examples say', async () => {
    const script = `require ["fileinto", "variables"];
if header :matches "List-ID" "*<*@*" { fileinto "INBOX.lists.\${2}"; stop; }
if header :matches "Subject" "[*] *" { fileinto "INBOX.lists.\${1}"; set "rest" "\${2}"; addheader "X-Rest" "\${rest}"; stop; }
if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] { fileinto "INBOX.business.\${2}\${1}"; stop; }`.replace('addheader "X-Rest" "${rest}"; ', '');
    const list = message({ 'List-ID': 'Acme users <acme-users@lists.example.org>', Subject: 'x' });
    expect((await run(script, list)).actions).toMatchObject([{ mailbox: 'INBOX.lists.acme-users' }]);
    const subject = message({ Subject: '[acme-users] [fwd] version 1.0 is out' });
    expect((await run(script, subject)).actions).toMatchObject([{ mailbox: 'INBOX.lists.acme-users' }]);
    const to = message({ To: 'coyote@ACME.Example.COM' });
    expect((await run(script, to)).actions).toMatchObject([{ mailbox: 'INBOX.business.ACME.Example' }]);
  });

  it('applies set modifiers in precedence order (RFC 5229 4.1)', async () => {
    const script = `require ["variables", "fileinto"];
set "a" "juMBlEd lEttErS";
set :length "len" "\${a}";
set :lower "lower" "\${a}";
set :upperfirst "uf" "\${a}";
set :lowerfirst "lf" "\${a}";
set :upperfirst :lower "ufl" "\${a}";
set :quotewildcard "q" "a*b?c\\\\";
set "honorific" "Mr";
set "vacation" text:
Dear \${HONORIFIC} \${unset},
.
;
fileinto "\${len}|\${lower}|\${uf}|\${lf}|\${ufl}|\${q}|\${vacation}|\${global.x}";`;
    const r = await run(script, plain);
    expect(r.actions).toMatchObject([{ type: 'fileinto', mailbox: '15|jumbled letters|JuMBlEd lEttErS|juMBlEd lEttErS|Jumbled letters|a\\*b\\?c\\\\|Dear Mr ,\r\n|' }]);
  });

  it('leaves strings literal when variables is not required', async () => {
    const r = await run('require "fileinto"; fileinto "${x}";', plain);
    expect(r.actions).toMatchObject([{ mailbox: '${x}' }]);
  });

  it('compares strings with the string test, :count counting non-empty ones', async () => {
    const r = await run('require ["variables", "relational", "fileinto", "comparator-i;ascii-numeric"]; set "e" ""; if string :count "eq" :comparator "i;ascii-numeric" ["a", "${e}", "b"] "2" { fileinto "two"; }', plain);
    expect(r.actions).toMatchObject([{ mailbox: 'two' }]);
  });
});

describe('runSieve: imap4flags (RFC 5232)', () => {
  it('runs the RFC 5232 examples', async () => {
    const boss = message({ From: 'boss@frobnitzm.example.edu', To: 'me@example.com' });
    const r = await run(`require ["imap4flags", "fileinto", "variables"];
if header :contains "from" "boss@frobnitzm.example.edu" { setflag "flagvar" "\\\\Flagged"; fileinto :flags "\${flagvar}" "INBOX.From Boss"; }`, boss);
    expect(r.actions).toEqual([{ type: 'fileinto', mailbox: 'INBOX.From Boss', flags: ['\\Flagged'], create: false, copy: false }]);

    const big = message({ From: 'boss@company.example.com' }, 'x'.repeat(2 * 1024 * 1024));
    const r2 = await run(`require ["imap4flags", "fileinto", "variables"];
if size :over 1M { addflag "MyFlags" "Big"; if header :is "From" "boss@company.example.com" { addflag "MyFlags" "\\\\Flagged"; } fileinto :flags "\${MyFlags}" "Big messages"; }`, big);
    expect(r2.actions).toMatchObject([{ mailbox: 'Big messages', flags: ['Big', '\\Flagged'] }]);
  });

  it('gives the implicit keep the internal flags, and hasflag sees them', async () => {
    const r = await run('require ["imap4flags", "fileinto"]; addflag ["\\\\Seen", "a b"]; removeflag "A"; if hasflag :contains "see" { fileinto :copy "x"; } addflag "\\\\seen";', plain).catch((e) => e);
    expect(r).toBeInstanceOf(Error); // :copy without require "copy"
    const ok = await run('require ["imap4flags", "fileinto"]; addflag ["\\\\Seen", "a b"]; removeflag "A"; if hasflag :contains "see" { fileinto "x"; keep; } addflag "\\\\seen";', plain);
    expect(ok.actions).toEqual([
      { type: 'fileinto', mailbox: 'x', flags: ['\\Seen', 'b'], create: false, copy: false },
      { type: 'keep', flags: ['\\Seen', 'b'] },
    ]);
    const implicit = await run('require "imap4flags"; setflag "\\\\Answered";', plain);
    expect(implicit.actions).toEqual([{ type: 'keep', flags: ['\\Answered'] }]);
  });
});

describe('runSieve: limits', () => {
  it('refuses a redirect storm past the limit', async () => {
    const storm = Array.from({ length: 1000 }, (_v, i) => `redirect "u${i}@example.net";`).join('\n');
    const started = Date.now();
    const r = await run(storm, plain);
    expect(r.error).toMatchObject({ message: 'more than 4 redirects', line: 5 });
    expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an include loop (RFC 6609 3.2) and too deep includes', async () => {
    const host = memoryHost({ 'personal:a': 'require "include"; include "b";', 'personal:b': 'require "include"; include "a";' });
    const r = await run('require "include"; include "a";', plain, {}, host);
    expect(r.error?.message).toBe('include loop: top:0 -> personal:a -> personal:b -> personal:a');
    expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
    const self = memoryHost({ 'personal:me': 'require "include"; include "me";' });
    expect((await run('require "include"; include "me";', plain, {}, self)).error?.message).toMatch(/^include loop/);
    const chain = memoryHost(Object.fromEntries(Array.from({ length: 30 }, (_v, i) => [`personal:s${i}`, `require "include"; include "s${i + 1}";`])));
    expect((await run('require "include"; include "s0";', plain, {}, chain)).error?.message).toBe('includes nested deeper than 10');
  });

  it('runs out of steps instead of spinning', async () => {
    const many = 'require "variables";\n' + 'if string :matches "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "*a*a*a*a*a*b" { keep; }\n'.repeat(2000);
    const r = await run(many, plain, { limits: { maxSteps: 5000 } });
    expect(r.error?.message).toBe('the script ran past the limit of 5000 steps');
    const started = Date.now();
    const long = message({ Subject: 'a'.repeat(200_000) });
    // backtracking goes to the last star only: linear here, not exponential
    const slow = await run('if header :matches "subject" "*a*a*a*a*a*a*a*a*b" { discard; }', long);
    expect(slow).toMatchObject({ error: null, actions: [{ type: 'keep' }] });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses more actions than the limit', async () => {
    const files = 'require "fileinto";\n' + Array.from({ length: 40 }, (_v, i) => `fileinto "f${i}";`).join('\n');
    expect((await run(files, plain)).error?.message).toBe('more than 32 actions');
  });
});

describe('runSieve: include and global (RFC 6609)', () => {
  it('shares global variables, honours :once, :optional and return', async () => {
    const host = memoryHost({
      'personal:lib': 'require ["include", "variables"]; global "who"; set "who" "lib"; set "local" "hidden"; return; set "who" "after-return";',
      'global:spam': 'require ["fileinto", "include", "variables"]; global "who"; fileinto "from-${who}";',
    });
    const r = await run(
      'require ["include", "variables", "fileinto"]; global "who"; include "lib"; include :once "lib"; include :once "lib"; include :optional "missing"; include :global "spam"; fileinto "${who}-${local}";',
      plain,
      {},
      host,
    );
    expect(r.error).toBeNull();
    expect(r.actions).toMatchObject([{ mailbox: 'from-lib' }, { mailbox: 'lib-' }]);
    expect(host.includes).toEqual(['personal:lib', 'personal:missing', 'global:spam']);
    const missing = await run('require "include"; include "nope";', plain, {}, memoryHost());
    expect(missing.error?.message).toBe('include: there is no personal script "nope"');
  });
});

describe('runSieve: multiple scripts (sieve_before / sieve_after)', () => {
  it('runs the next script only while the message is kept', async () => {
    const before = 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Junk"; }';
    const user = 'require "fileinto"; fileinto "user";';
    expect((await run([before, user], plain)).actions).toMatchObject([{ mailbox: 'user' }]);
    const spam = message({ Subject: 'spam spam' });
    expect((await run([before, user], spam)).actions).toMatchObject([{ type: 'fileinto', mailbox: 'Junk' }]);
    expect((await run(['keep;', 'discard;'], plain)).actions).toEqual([{ type: 'discard' }]);
  });

  it('carries the internal flags into the next script, which need not require imap4flags', async () => {
    const r = await run(['require "imap4flags"; addflag "\\\\Seen";', 'require "fileinto"; fileinto "UserScript";'], plain);
    expect(r.actions).toEqual([{ type: 'fileinto', mailbox: 'UserScript', flags: ['\\Seen'], create: false, copy: false }]);
  });
});

describe('runSieve: editheader (RFC 5293)', () => {
  it('adds and deletes fields, and later tests see the edits', async () => {
    const m = message({ 'X-Spam': ['yes', 'no', 'maybe'], Subject: 'hi', Received: 'from a by b; Tue, 1 Apr 1997 09:06:31 -0800' });
    const r = await run(
      `require ["editheader", "fileinto", "index"];
addheader "X-First" "1"; addheader :last "X-Last" "Grüße";
deleteheader :index 2 "X-Spam";
deleteheader :contains "x-spam" "ay";
deleteheader "received";
if header :is "x-spam" "yes" { if not exists "x-maybe" { if header :index 1 :last :is "x-last" "Grüße" { fileinto "edited"; } } }`,
      m,
    );
    expect(r.actions).toMatchObject([{ mailbox: 'edited' }]);
    expect(r.headerEdits?.map((h) => `${h.name}: ${h.value}`)).toEqual([
      'X-First: 1',
      'X-Spam: yes',
      'Subject: hi',
      'Received: from a by b; Tue, 1 Apr 1997 09:06:31 -0800',
      'X-Last: =?UTF-8?B?R3LDvMOfZQ==?=',
    ]);
    expect(r.headerEdits?.[1]?.raw).toBe('X-Spam: yes');
    expect(r.log).toContain('deleteheader: the received header is protected; not deleted');
    expect((await run('keep;', m)).headerEdits).toBeNull();
  });
});

describe('runSieve: duplicate (RFC 7352)', () => {
  it('reports a seen Message-ID and asks the host to record new ones only', async () => {
    const host = memoryHost();
    host.mailboxes.add('Trash/Duplicate');
    const m = message({ 'Message-ID': '<abc@example.org>', 'X-Event-ID': 'e1' });
    const script = 'require ["duplicate", "fileinto", "mailbox"]; if duplicate { fileinto :create "Trash/Duplicate"; }';
    const first = await run(script, m, {}, host);
    expect(first.actions).toEqual([{ type: 'keep', flags: [] }]);
    expect(first.duplicateRecords).toHaveLength(1);
    host.seen.add(first.duplicateRecords[0]!.key);
    const second = await run(script, m, {}, host);
    expect(second.actions).toEqual([{ type: 'fileinto', mailbox: 'Trash/Duplicate', flags: [], create: true, copy: false }]);
    expect(second.duplicateRecords).toEqual([]);
    const byHeader = await run('require "duplicate"; if duplicate :header "X-Event-ID" :handle "notifier" :seconds 60 { discard; }', m, {}, host);
    expect(byHeader.duplicateRecords).toEqual([{ key: expect.stringMatching(/^[0-9a-f]{64}$/), seconds: 60 }]);
    expect(byHeader.duplicateRecords[0]!.key).not.toBe(first.duplicateRecords[0]!.key);
    expect((await run('require "duplicate"; if duplicate { discard; }', plain, {}, host)).duplicateRecords).toEqual([]);
  });
});

describe('runSieve: vacation (RFC 5230, 6131)', () => {
  const script = `require "vacation";
vacation :days 23 :addresses ["tjs@example.edu", "ts4z@landru.example.edu"]
"I'm away until October 19. If it's an emergency, call 911, I guess." ;`;
  const input = { envelope: { from: 'sender@example.org', to: 'tjs@example.edu' } };

  it('answers a message addressed to the user (RFC 5230 example)', async () => {
    const m = message({ From: 'sender@example.org', To: 'Tim <ts4z@landru.example.edu>', Subject: 'lunch?' });
    const r = await run(script, m, input);
    expect(r.actions).toEqual([
      { type: 'keep', flags: [] },
      {
        type: 'vacation',
        handle: expect.stringMatching(/^[0-9a-f]{32}$/),
        seconds: 23 * 86400,
        days: 23,
        subject: 'Auto: lunch?',
        from: null,
        reason: "I'm away until October 19. If it's an emergency, call 911, I guess.",
        mime: false,
        addresses: ['tjs@example.edu', 'ts4z@landru.example.edu'],
        recipient: 'ts4z@landru.example.edu',
        to: 'sender@example.org',
      },
    ]);
  });

  it('does not answer <>, auto-submitted, bulk, list mail, mail not addressed to the user, or the user', async () => {
    const base = { From: 'sender@example.org', To: 'tjs@example.edu', Subject: 's' };
    const cases: Array<[Record<string, string>, Partial<typeof input>, string]> = [
      [base, { envelope: { from: '', to: 'tjs@example.edu' } }, 'vacation: no reply to the null sender'],
      [{ ...base, 'Auto-Submitted': 'auto-replied' }, {}, 'vacation: no reply to Auto-Submitted: auto-replied'],
      [{ ...base, Precedence: 'bulk' }, {}, 'vacation: no reply to Precedence: bulk'],
      [{ ...base, 'List-Id': '<l.example.org>' }, {}, 'vacation: no reply to list mail (list-id)'],
      [{ ...base, To: 'other@example.net' }, {}, "vacation: none of the user's addresses is in To, Cc, Bcc or Resent-*"],
      [base, { envelope: { from: 'owner-list@example.org', to: 'tjs@example.edu' } }, 'vacation: no reply to the system address owner-list@example.org'],
      [base, { envelope: { from: 'tjs@example.edu', to: 'tjs@example.edu' } }, "vacation: no reply to the user's own address"],
    ];
    for (const [headers, extra, reason] of cases) {
      const r = await run(script, message(headers), { ...input, ...extra });
      expect(r.actions).toEqual([{ type: 'keep', flags: [] }]);
      expect(r.log).toEqual([reason]);
    }
    const ok = await run(script, message({ ...base, 'Auto-Submitted': 'no', Cc: 'tjs@example.edu' }), input);
    expect(ok.actions.map((a) => a.type)).toEqual(['keep', 'vacation']);
    const alias = await run('require "vacation"; vacation "x";', message({ ...base, To: 'alias@example.edu' }), { ...input, userAddresses: ['alias@example.edu'] });
    expect(alias.actions.map((a) => a.type)).toEqual(['keep', 'vacation']);
  });

  it('takes :seconds, :subject, :from, :mime and :handle, and bounds the period', async () => {
    const m = message({ From: 'sender@example.org', To: 'tjs@example.edu', Subject: 's' });
    const r = await run('require ["vacation-seconds"]; vacation :seconds 0 :subject "Away" :from "Tim <tjs@example.edu>" :mime :handle "h1" "Content-Type: text/plain\\r\\n\\r\\nx";', m, input);
    expect(r.actions[1]).toMatchObject({ type: 'vacation', seconds: 0, subject: 'Away', from: 'Tim <tjs@example.edu>', mime: true, handle: 'h1' });
    const long = await run('require "vacation"; vacation :days 1000 "x";', m, input);
    expect(long.actions[1]).toMatchObject({ seconds: 90 * 86400 });
    const a = await run('require "vacation"; vacation :subject "a" "x";', m, input);
    const b = await run('require "vacation"; vacation :subject "b" "x";', m, input);
    expect(a.actions[1]).not.toMatchObject({ handle: (b.actions[1] as { handle: string }).handle });
    expect(compileSieve('require "vacation"; vacation :seconds 5 "x";').ok).toBe(false);
  });
});

describe('runSieve: date, body, spamtest, virustest, environment, mailboxexists', () => {
  const dated = message({ Date: 'Tue, 1 Apr 1997 09:06:31 -0800', Received: 'from a by b; Wed, 2 Apr 1997 01:00:00 +0000' }, '');

  it('reads date parts with :zone and :originalzone (RFC 5260)', async () => {
    const t = async (test: string, now?: Date) => (await run(`require ["date", "relational", "fileinto"]; if ${test} { fileinto "y"; }`, dated, now ? { now } : {})).actions[0]!.type;
    expect(await t('date :originalzone "date" "hour" "09"')).toBe('fileinto');
    expect(await t('date :zone "+0000" "date" "date" "1997-04-01"')).toBe('fileinto');
    expect(await t('date :zone "+0000" "date" "hour" "17"')).toBe('fileinto');
    expect(await t('date :originalzone "date" "zone" "-0800"')).toBe('fileinto');
    expect(await t('date :originalzone "date" "iso8601" "1997-04-01T09:06:31-08:00"')).toBe('fileinto');
    expect(await t('date :originalzone "date" "weekday" "2"')).toBe('fileinto');
    expect(await t('date :zone "+0000" "date" "julian" "50539"')).toBe('fileinto');
    expect(await t('date "received" "date" "1997-04-02"')).toBe('fileinto');
    expect(await t('date "x-missing" "year" "1997"')).toBe('keep');
    expect(await t('currentdate :value "ge" "date" "2026-01-01"', new Date('2026-06-01T00:00:00Z'))).toBe('fileinto');
    expect(await t('currentdate :zone "+0200" "hour" "01"', new Date('2026-06-01T23:30:00Z'))).toBe('fileinto');
  });

  it('tests the body as text, raw and by content type (RFC 5173)', async () => {
    const mixed = Buffer.from(
      [
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=C3=9Fe, the invoice',
        '--b',
        'Content-Type: text/html',
        '',
        '<p>click <b>here</b></p>',
        '--b',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        'c2VjcmV0',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const t = async (test: string) => (await run(`require ["body", "fileinto"]; if ${test} { fileinto "y"; }`, mixed)).actions[0]!.type;
    expect(await t('body :contains "grüße"')).toBe('fileinto');
    expect(await t('body :text :contains "click here"')).toBe('fileinto');
    expect(await t('body :raw :contains "=C3=BC"')).toBe('fileinto');
    expect(await t('body :raw :contains "grüße"')).toBe('keep');
    expect(await t('body :content "text/html" :contains "<b>"')).toBe('fileinto');
    expect(await t('body :content "text/plain" :contains "<b>"')).toBe('keep');
    expect(await t('body :content "application" :contains "secret"')).toBe('fileinto');
    expect(await t('body :content "application" :contains "c2VjcmV0"')).toBe('keep');
    expect(await t('body :contains "secret"')).toBe('keep');
  });

  it('maps the spam and virus scores (RFC 5235)', async () => {
    const t = async (test: string, opts: { spamScore?: number; virusScore?: number }) =>
      (await run(`require ["spamtestplus", "virustest", "relational", "comparator-i;ascii-numeric", "fileinto"]; if ${test} { fileinto "y"; }`, plain, opts)).actions[0]!.type;
    expect(await t('spamtest :value "ge" :comparator "i;ascii-numeric" "9"', { spamScore: 95 })).toBe('fileinto');
    expect(await t('spamtest :value "ge" :comparator "i;ascii-numeric" "9"', { spamScore: 10 })).toBe('keep');
    expect(await t('spamtest :is "0"', {})).toBe('fileinto');
    expect(await t('spamtest :percent :value "gt" :comparator "i;ascii-numeric" "50"', { spamScore: 60 })).toBe('fileinto');
    expect(await t('virustest :value "ge" :comparator "i;ascii-numeric" "4"', { virusScore: 5 })).toBe('fileinto');
    expect(await t('virustest :is "0"', {})).toBe('fileinto');
  });

  it('reads environment items, imapsieve ones included (RFC 5183, 6785)', async () => {
    const t = async (test: string) =>
      (await run(`require ["environment", "imapsieve", "fileinto"]; if ${test} { fileinto "y"; }`, plain, { environment: { 'imap.cause': 'COPY', 'imap.mailbox': 'Junk', domain: 'example.com' } })).actions[0]!.type;
    expect(await t('environment :is "imap.cause" "COPY"')).toBe('fileinto');
    expect(await t('environment :is "imap.mailbox" "junk"')).toBe('fileinto');
    expect(await t('environment :is "location" "MDA"')).toBe('fileinto');
    expect(await t('environment :contains "unknown-item" ""')).toBe('keep');
  });

  it('asks the host whether mailboxes exist (RFC 5490)', async () => {
    const host = memoryHost();
    host.mailboxes.add('Lists');
    const script = 'require ["mailbox", "fileinto"]; if mailboxexists "Lists" { fileinto "Lists"; } if mailboxexists ["Lists", "Nope"] { discard; }';
    expect((await run(script, plain, {}, host)).actions).toMatchObject([{ mailbox: 'Lists' }]);
  });
});

describe('sieveMessage', () => {
  it('keeps raw fields with their folding and unfolds values', () => {
    const m = sieveMessage(Buffer.from('Subject: a\r\n  folded\r\nX: 1\r\n\r\nbody'));
    expect(m.headers).toEqual([
      { name: 'Subject', value: 'a  folded', raw: 'Subject: a\r\n  folded' },
      { name: 'X', value: '1', raw: 'X: 1' },
    ]);
    expect(m.size).toBe(34);
    expect(m.raw.subarray(m.bodyStart).toString()).toBe('body');
  });

  it('runs a compiled script more than once with the same result', async () => {
    const script = compiled('require "fileinto"; if header :contains "subject" "hello" { fileinto "x"; }');
    const input = { message: sieveMessage(plain), envelope: { from: 'a@b.c', to: 'me@example.com' } };
    const a = await runSieve([script], input, memoryHost());
    const b = await runSieve([script], input, memoryHost());
    expect(a).toEqual(b);
  });
});

describe('runSieve: memory bounds', () => {
  it('cuts variables at the length limit, even when one string refers to them many times', async () => {
    const refs = '${a}'.repeat(50_000);
    const script = `require ["variables", "fileinto"]; set "a" "${'x'.repeat(4000)}"; set "b" "${refs}"; set :length "n" "\${b}"; fileinto "\${n}";`;
    const started = Date.now();
    const r = await run(script, plain);
    expect(r.actions).toMatchObject([{ mailbox: '4096' }]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
