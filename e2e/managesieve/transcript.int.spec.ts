import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppPassword } from '@mailstead/auth';
import { capabilityMap, createManageSieveHarness, PASSWORD, RawSieve, type ManageSieveHarness } from './harness';

// Raw-socket transcripts of RFC 5804's own examples (section 2) against the ManageSieve server
// on a real migrated Postgres, with the application's script store (compiled by libs/sieve,
// held to the quotas): every command, its response codes, and bad input.

let h: ManageSieveHarness;
/** Peers on loopback count as secured: passwords are allowed without TLS. */
let port: number;
/** A server that treats its (loopback) peers as remote: passwords need STARTTLS first. */
let remotePort: number;

beforeAll(async () => {
  h = await createManageSieveHarness();
  ({ port } = await h.server({}, { maxScriptSize: 4096, maxScripts: 5 }));
  ({ port: remotePort } = await h.server({ trustLoopback: false }));
});
afterAll(async () => {
  await h?.close();
});

const literal = (text: string) => `{${Buffer.byteLength(text)}+}\r\n${text}`;

async function loggedIn(local: string): Promise<{ c: RawSieve; address: string; id: number }> {
  const { address, id } = await h.account(local);
  const c = await RawSieve.connect(port);
  expect((await c.authenticate(address)).status).toBe('OK "Logged in"');
  return { c, address, id };
}

describe('greeting and CAPABILITY (RFC 5804 1.7, 2.4)', () => {
  it('greets with the capabilities and OK, and CAPABILITY repeats them; OWNER appears once authenticated', async () => {
    const { address } = await h.account('caps');
    const c = await RawSieve.connect(port);
    const greeting = capabilityMap(c.greeting);
    expect(greeting).toMatchObject({ IMPLEMENTATION: 'Mailstead', SASL: 'PLAIN', STARTTLS: null, MAXREDIRECTS: '4', VERSION: '1.0', UNAUTHENTICATE: null });
    expect(greeting.SIEVE!.split(' ')).toEqual(expect.arrayContaining(['fileinto', 'reject', 'envelope', 'vacation', 'imap4flags', 'variables', 'body', 'include']));
    expect(greeting.OWNER).toBeUndefined();
    const again = await c.command('Capability');
    expect(again.status).toBe('OK "Capability completed"');
    expect(capabilityMap(again)).toEqual(greeting);
    await c.authenticate(address);
    expect(capabilityMap(await c.command('CAPABILITY')).OWNER).toBe(address);
    expect((await c.command('LOGOUT')).status).toBe('OK "Logout completed"');
    await c.closed;
  });
});

describe('AUTHENTICATE PLAIN (RFC 5804 2.1)', () => {
  it('takes the initial response, or the answer to an empty challenge as a quoted string or a literal', async () => {
    const { address } = await h.account('auth1');
    const response = Buffer.from(`\0${address}\0${PASSWORD}`).toString('base64');
    const a = await RawSieve.connect(port);
    expect((await a.command(`AUTHENTICATE "PLAIN" "${response}"`)).status).toBe('OK "Logged in"');

    const b = await RawSieve.connect(port);
    b.write('Authenticate "PLAIN"\r\n');
    expect(await b.line()).toBe('""');
    expect((await b.command(`"${response}"`)).status).toBe('OK "Logged in"');

    const c = await RawSieve.connect(port);
    c.write('AUTHENTICATE "PLAIN"\r\n');
    expect(await c.line()).toBe('""');
    expect((await c.send(`${literal(response)}\r\n`)).status).toBe('OK "Logged in"');
    expect((await c.command('AUTHENTICATE "PLAIN"')).status).toMatch(/^NO "AUTHENTICATE is not allowed once authenticated"/);
  });

  it('answers NO to a cancel, a wrong password, another authorization identity and other mechanisms', async () => {
    const { address } = await h.account('auth2');
    const c = await RawSieve.connect(port);
    c.write('AUTHENTICATE "PLAIN"\r\n');
    expect(await c.line()).toBe('""');
    expect((await c.command('"*"')).status).toBe('NO "Authentication cancelled"');
    expect((await c.authenticate(address, 'wrong')).status).toBe('NO "Authentication failed"');
    const proxy = Buffer.from(`other@sieve.test\0${address}\0${PASSWORD}`).toString('base64');
    expect((await c.command(`AUTHENTICATE "PLAIN" "${proxy}"`)).status).toMatch(/^NO "Authentication failed: authorization identity/);
    expect((await c.command('AUTHENTICATE "DIGEST-MD5"')).status).toBe('NO "Unsupported authentication mechanism DIGEST-MD5"');
    expect((await c.command('AUTHENTICATE "PLAIN" "not base64!"')).status).toBe('NO "Authentication failed: invalid base64"');
    expect((await c.command('LISTSCRIPTS')).status).toBe('NO "LISTSCRIPTS needs authentication first"');
    expect((await c.authenticate(address)).status).toBe('OK "Logged in"');
  });

  it('takes only app passwords once the account has a second factor (as IMAP does)', async () => {
    const { address, id } = await h.account('twofactor');
    await h.db.store.totp.enable(id, { secret: 'JBSWY3DPEHPK3PXP', recoveryHashes: [] });
    const { password } = await createAppPassword(h.db.store, id, 'sieve client');
    const c = await RawSieve.connect(port);
    expect((await c.authenticate(address)).status).toBe('NO "Use an app password (two-factor sign-in is on)"');
    expect((await c.authenticate(address, password)).status).toBe('OK "Logged in"');
  });

  it('throttles repeated failures with TRYLATER', async () => {
    const { address } = await h.account('throttled');
    const c = await RawSieve.connect(port);
    for (let i = 0; i < 3; i++) expect((await c.authenticate(address, 'wrong')).status).toBe('NO "Authentication failed"');
    expect((await c.authenticate(address)).status).toMatch(/^NO \(TRYLATER\) "Too many failed logins; try again in \d+ seconds"$/);
  });
});

describe('STARTTLS (RFC 5804 2.2) and the rule that passwords need TLS off loopback', () => {
  it('offers no SASL mechanism and refuses AUTHENTICATE with ENCRYPT-NEEDED before TLS; after STARTTLS re-issues the capabilities and logs in', async () => {
    const { address } = await h.account('tls1');
    const c = await RawSieve.connect(remotePort);
    expect(capabilityMap(c.greeting)).toMatchObject({ SASL: '', STARTTLS: null });
    expect((await c.authenticate(address)).status).toBe('NO (ENCRYPT-NEEDED) "Plaintext authentication is only allowed over TLS; use STARTTLS first"');
    expect((await c.command('StartTls')).status).toBe('OK "Begin TLS negotiation now"');
    const after = await c.startTls();
    expect(after.status).toBe('OK "TLS negotiation successful"');
    const caps = capabilityMap(after);
    expect(caps.SASL).toBe('PLAIN');
    expect(caps.STARTTLS).toBeUndefined();
    expect((await c.command('STARTTLS')).status).toBe('NO "TLS is already active"');
    expect((await c.authenticate(address)).status).toBe('OK "Logged in"');
    expect((await c.command('LISTSCRIPTS')).status).toBe('OK "Listscripts completed"');
  });

  it('discards commands pipelined in the clear after STARTTLS', async () => {
    const { address } = await h.account('tls2');
    const c = await RawSieve.connect(remotePort);
    c.write(`STARTTLS\r\nAUTHENTICATE "PLAIN" "${Buffer.from(`\0${address}\0${PASSWORD}`).toString('base64')}"\r\n`);
    expect((await c.response()).status).toBe('OK "Begin TLS negotiation now"');
    expect((await c.startTls()).status).toBe('OK "TLS negotiation successful"');
    // the pipelined AUTHENTICATE was never run: still not authenticated
    expect((await c.command('LISTSCRIPTS')).status).toBe('NO "LISTSCRIPTS needs authentication first"');
  });
});

describe('scripts (RFC 5804 2.5-2.12)', () => {
  it('PUTSCRIPT refuses a script with a syntax error, naming its line, and stores a valid one from a {n+} or {n} literal', async () => {
    const { c, id } = await loggedIn('put');
    // RFC 5804 2.6's first example
    const bad = await c.send('Putscript "foo" {31+}\r\n#comment\r\nInvalidSieveCommand\r\n\r\n');
    expect(bad.status).toMatch(/^NO "line \d+, column \d+: .*invalidsievecommand/i);
    // RFC 5804 2.6's second example, with the "envelope" require Pigeonhole and we insist on
    const script = 'require ["fileinto", "envelope"];\r\n\r\nif envelope :contains "to" "tmartin+sent" {\r\n  fileinto "INBOX.sent";\r\n}';
    expect((await c.send(`Putscript "mysievescript" ${literal(script)}\r\n`)).status).toBe('OK "Script stored"');
    expect((await c.send(`PUTSCRIPT "sync" {${Buffer.byteLength(script)}}\r\n${script}\r\n`)).status).toBe('OK "Script stored"');
    expect((await h.db.store.sieve.get(id, 'mysievescript'))?.content).toBe(script);
    expect((await h.db.store.sieve.get(id, 'foo'))).toBeNull();
  });

  it('PUTSCRIPT with several errors answers them one per line in a literal', async () => {
    const { c } = await loggedIn('put2');
    const bad = await c.send(`PUTSCRIPT "two" ${literal('fileinto "x";\r\nredirect;\r\n')}\r\n`);
    expect(bad.status.startsWith('NO ')).toBe(true);
    expect(bad.status.split('\r\n').length).toBeGreaterThan(1);
    expect(bad.status).toMatch(/line 1, column 1: /);
  });

  it('LISTSCRIPTS marks the active script and sends a name that cannot be quoted as a literal; SETACTIVE switches and "" deactivates', async () => {
    const { c } = await loggedIn('list');
    for (const name of ['summer_script', 'vacation_script', 'clever"script', 'main_script']) {
      expect((await c.send(`PUTSCRIPT ${literal(name)} ${literal('keep;')}\r\n`)).status).toBe('OK "Script stored"');
    }
    expect((await c.command('SETACTIVE "main_script"')).status).toBe('OK "Script activated"');
    // RFC 5804 2.7's example, in our name order
    const list = await c.command('Listscripts');
    expect(list.lines).toEqual(['"clever\\"script"', '"main_script" ACTIVE', '"summer_script"', '"vacation_script"']);
    expect(list.status).toBe('OK "Listscripts completed"');
    expect((await c.command('Setactive "vacation_script"')).status).toBe('OK "Script activated"');
    expect((await c.command('LISTSCRIPTS')).lines).toContain('"vacation_script" ACTIVE');
    expect((await c.command('Setactive ""')).status).toBe('OK "No script is active"');
    expect((await c.command('LISTSCRIPTS')).lines.filter((l) => l.endsWith('ACTIVE'))).toEqual([]);
    expect((await c.command('Setactive "baz"')).status).toBe('NO (NONEXISTENT) "There is no script named \\"baz\\""');
  });

  it('GETSCRIPT answers the script as a literal, then OK; NONEXISTENT for a missing one', async () => {
    const { c } = await loggedIn('get');
    const script = '#this is my wonderful script\r\nrequire "reject";\r\nreject "I reject all";\r\n';
    await c.send(`PUTSCRIPT "myscript" ${literal(script)}\r\n`);
    c.write('Getscript "myscript"\r\n');
    expect(await c.line()).toBe(`{${Buffer.byteLength(script)}}`);
    expect((await c.response()).lines).toEqual([...script.split('\r\n').slice(0, -1), '']);
    expect((await c.command('GETSCRIPT "none"')).status).toBe('NO (NONEXISTENT) "There is no script by that name"');
  });

  it('DELETESCRIPT refuses the active script (ACTIVE) and a missing one (NONEXISTENT)', async () => {
    const { c } = await loggedIn('delete');
    await c.send(`PUTSCRIPT "foo" ${literal('keep;')}\r\n`);
    await c.send(`PUTSCRIPT "baz" ${literal('keep;')}\r\n`);
    await c.command('SETACTIVE "baz"');
    expect((await c.command('Deletescript "foo"')).status).toBe('OK "Script deleted"');
    expect((await c.command('Deletescript "baz"')).status).toBe('NO (ACTIVE) "\\"baz\\" is the active script; deactivate it first"');
    expect((await c.command('DELETESCRIPT "foo"')).status).toMatch(/^NO \(NONEXISTENT\) /);
  });

  it('RENAMESCRIPT keeps the active script active and refuses a taken name (ALREADYEXISTS) or a missing script', async () => {
    const { c } = await loggedIn('rename');
    await c.send(`PUTSCRIPT "foo" ${literal('keep;')}\r\n`);
    await c.send(`PUTSCRIPT "bar" ${literal('keep;')}\r\n`);
    await c.command('SETACTIVE "foo"');
    expect((await c.command('Renamescript "foo" "bar"')).status).toBe('NO (ALREADYEXISTS) "A script named \\"bar\\" already exists"');
    expect((await c.command('RENAMESCRIPT "foo" "main"')).status).toBe('OK "Script renamed"');
    expect((await c.command('LISTSCRIPTS')).lines).toEqual(['"bar"', '"main" ACTIVE']);
    expect((await c.command('RENAMESCRIPT "nope" "x"')).status).toMatch(/^NO \(NONEXISTENT\) /);
  });

  it('HAVESPACE and PUTSCRIPT answer QUOTA/MAXSIZE and QUOTA/MAXSCRIPTS at the quotas', async () => {
    const { c } = await loggedIn('quota');
    // RFC 5804 2.5's examples
    expect((await c.command('HAVESPACE "myscript" 999999')).status).toBe('NO (QUOTA/MAXSIZE) "The script is larger than the 4096 bytes allowed"');
    expect((await c.command('HAVESPACE "foobar" 435')).status).toBe('OK "Putscript would succeed"');
    expect((await c.command('HAVESPACE "foobar" notanumber')).status).toBe('NO "HAVESPACE: expected a number"');
    // a literal over the limit is skipped, not read as commands, and answered as a quota
    const big = `# ${'x'.repeat(5000)}\r\nLOGOUT\r\n`;
    expect((await c.send(`PUTSCRIPT "big" ${literal(big)}\r\n`)).status).toBe('NO (QUOTA/MAXSIZE) "A literal has at most 4096 octets"');
    for (let i = 1; i <= 5; i++) expect((await c.send(`PUTSCRIPT "s${i}" ${literal('keep;')}\r\n`)).status).toBe('OK "Script stored"');
    expect((await c.send(`PUTSCRIPT "s6" ${literal('keep;')}\r\n`)).status).toBe('NO (QUOTA/MAXSCRIPTS) "At most 5 scripts are allowed; delete one first"');
    expect((await c.command('HAVESPACE "s6" 10')).status).toMatch(/^NO \(QUOTA\/MAXSCRIPTS\) /);
    // replacing one of the five still fits
    expect((await c.command('HAVESPACE "s5" 10')).status).toBe('OK "Putscript would succeed"');
    expect((await c.send(`PUTSCRIPT "s5" ${literal('stop;')}\r\n`)).status).toBe('OK "Script stored"');
  });

  it('CHECKSCRIPT compiles without storing', async () => {
    const { c, id } = await loggedIn('check');
    // RFC 5804 2.12's example
    expect((await c.send('CheckScript {31+}\r\n#comment\r\nInvalidSieveCommand\r\n\r\n')).status).toMatch(/^NO "line \d+, column \d+: .*invalidsievecommand/i);
    expect((await c.send(`CHECKSCRIPT ${literal('require "fileinto";\r\nfileinto "Junk";\r\n')}\r\n`)).status).toBe('OK "Script is valid"');
    expect(await h.db.store.sieve.list(id)).toEqual([]);
  });
});

describe('NOOP, UNAUTHENTICATE, LOGOUT (RFC 5804 2.13, 2.14.1, 2.3)', () => {
  it('echoes the NOOP tag, goes back to non-authenticated, and closes after LOGOUT', async () => {
    const { c, address } = await loggedIn('session');
    expect((await c.command('NOOP "STARTTLS-SYNC-42"')).status).toBe('OK (TAG "STARTTLS-SYNC-42") "Done"');
    expect((await c.command('NOOP')).status).toBe('OK "Done"');
    expect((await c.command('UNAUTHENTICATE')).status).toBe('OK "Unauthenticated"');
    expect((await c.command('LISTSCRIPTS')).status).toBe('NO "LISTSCRIPTS needs authentication first"');
    expect((await c.command('UNAUTHENTICATE')).status).toBe('NO "UNAUTHENTICATE needs authentication first"');
    expect((await c.authenticate(address)).status).toBe('OK "Logged in"');
    expect((await c.command('Logout')).status).toBe('OK "Logout completed"');
    await c.closed;
    expect(c.isClosed).toBe(true);
  });
});

describe('bad input: NO, or BYE when there is too much of it; never a crash or a hang', () => {
  it('answers NO to unknown commands, wrong arguments and malformed strings, and goes on', async () => {
    const { c } = await loggedIn('bad1');
    expect((await c.command('FROBNICATE')).status).toBe('NO "Unknown command FROBNICATE"');
    expect((await c.command('"PUTSCRIPT"')).status).toBe('NO "Expected a command name"');
    expect((await c.command('GETSCRIPT')).status).toBe('NO "Wrong number of arguments for GETSCRIPT"');
    expect((await c.command('GETSCRIPT atom')).status).toBe('NO "GETSCRIPT: expected a quoted string or a literal"');
    expect((await c.command('NOOP "bad \\q escape"')).status).toBe('NO "Only \\\\\\" and \\\\\\\\ may be escaped in a quoted string"');
    expect((await c.send(Buffer.concat([Buffer.from('PUTSCRIPT "x" {2+}\r\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]))).status).toBe('NO "PUTSCRIPT: a string must be UTF-8"');
    expect((await c.send(`PUTSCRIPT "nul" ${literal('keep;\u0000')}\r\n`)).status).toBe('NO "A Sieve script cannot contain NUL characters"');
    expect((await c.send(`PUTSCRIPT ${literal('a\r\nb')} ${literal('keep;')}\r\n`)).status).toBe('NO "A script name cannot contain control characters or line breaks"');
    expect((await c.command(`NOOP "${'a'.repeat(1100)}"`)).status).toBe('NO "Command line too long"');
    expect((await c.command('NOOP "still here"')).status).toBe('OK (TAG "still here") "Done"');
  });

  it('says BYE and closes after too many bad commands, and on a literal no client could send', async () => {
    const c = await RawSieve.connect(port);
    for (let i = 0; i < 9; i++) expect((await c.command(`BAD${i}`)).status).toMatch(/^NO /);
    expect((await c.command('BAD9')).status).toBe('BYE "Too many bad commands; closing connection"');
    await c.closed;
    const d = await RawSieve.connect(port);
    expect((await d.command('PUTSCRIPT "a" {99999999999+}')).status).toBe('BYE "Literal too large"');
    await d.closed;
  });

  it('survives binary garbage', async () => {
    const c = await RawSieve.connect(port);
    // an atom broken by "{", then a quoted string broken by LF: two NO answers
    c.write(Buffer.from([0x00, 0xff, 0x7b, 0x7d, 0x0d, 0x0a, 0x22, 0x5c, 0x0a]));
    expect((await c.response()).status).toBe('NO "Unexpected character in an atom"');
    expect((await c.response()).status).toBe('NO "A quoted string cannot hold CR, LF or NUL; send a literal"');
    expect((await c.command('NOOP "alive"')).status).toBe('OK (TAG "alive") "Done"');
    expect((await c.command('CAPABILITY')).status).toBe('OK "Capability completed"');
  });
});
