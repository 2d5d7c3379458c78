import os from 'node:os';
import { hashPassword } from '@mailstead/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveModeratedPost, RecipientResolver, rejectModeratedPost, verifyUnsubscribeToken } from '@mailstead/pipeline';
import { mail, mailboxContents, seedDirectory, SmtpTalk, startSmtpHarness, testDns, type SmtpHarness } from './test-support/smtp-harness';

let h: SmtpHarness;

beforeAll(async () => {
  h = await startSmtpHarness();
  await seedDirectory(h.db);
});
afterAll(async () => {
  await h?.close();
});

/** One MX transaction: EHLO, MAIL, RCPTs, DATA; returns every reply. */
async function send(from: string, to: string[], message = mail({}), port = h.ports.mx) {
  const c = await SmtpTalk.connect(port);
  await c.cmd('EHLO client.remote.example');
  const mailReply = await c.cmd(`MAIL FROM:<${from}>`);
  const rcpt: string[] = [];
  for (const r of to) rcpt.push(await c.cmd(`RCPT TO:<${r}>`));
  const data = rcpt.some((r) => r.startsWith('250')) ? await c.data(message) : '';
  await c.cmd('QUIT');
  c.close();
  return { mail: mailReply, rcpt, data };
}

async function outbound() {
  return h.db.store.outbound.list();
}

describe('MX listener: session commands', () => {
  it('greets, advertises the extensions without AUTH, and answers HELO, NOOP, RSET, HELP, VRFY, EXPN, QUIT', async () => {
    const c = await SmtpTalk.connect(h.ports.mx, { greeting: false });
    expect(await c.reply()).toMatch(/^220 mx\.example\.test .*ESMTP/);
    const ehlo = await c.cmd('EHLO client.remote.example');
    const lines = ehlo.split('\r\n').map((l) => l.slice(4));
    expect(lines).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'DSN', 'SIZE 200000']));
    expect(ehlo).not.toMatch(/AUTH/);
    expect(await c.cmd('HELO client.remote.example')).toMatch(/^250 /);
    expect(await c.cmd('NOOP')).toMatch(/^250 2\.0\.0/);
    expect(await c.cmd('RSET')).toMatch(/^250 2\.0\.0/);
    expect(await c.cmd('HELP')).toMatch(/^214 /);
    expect(await c.cmd('VRFY alice@example.test')).toBe('252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery');
    expect(await c.cmd('EXPN team@example.test')).toBe('502 5.5.1 EXPN not available');
    expect(await c.cmd('AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQtcGFzc3dvcmQ=')).toBe('503 5.5.1 Authentication not enabled on this port');
    expect(await c.cmd('QUIT')).toMatch(/^221 /);
    c.close();
  });

  it('refuses to relay: a remote recipient without authentication gets 554 5.7.1, and is logged with the session id', async () => {
    const r = await send('spammer@remote.example', ['victim@elsewhere.example']);
    expect(r.rcpt[0]).toBe('554 5.7.1 Relay access denied');
    expect(h.logs.some((l) => l.msg === 'smtp rejection' && /554 5\.7\.1/.test(JSON.stringify(l.obj)) && 'session' in l.obj)).toBe(true);
    expect(await outbound()).toEqual([]);
  });

  it('answers 550 5.1.1 for unknown users, 550 5.2.1 for disabled accounts and 550 5.4.6 for an alias loop', async () => {
    const r = await send('someone@remote.example', ['nobody@example.test', 'carol@example.test', 'loop1@example.test']);
    expect(r.rcpt).toEqual(['550 5.1.1 No such user here', '550 5.2.1 Mailbox disabled, not accepting messages', '550 5.4.6 Alias loop: no destination for this address']);
  });

  it('takes mail for "postmaster" without a domain and for postmaster@ any of our domains (RFC 5321 4.5.1), to the postmaster address', async () => {
    // Without a postmaster address configured (the harness default): the old answers.
    expect((await send('someone@remote.example', ['postmaster'])).rcpt).toEqual(['501 5.1.3 Bad recipient address syntax']);
    const ports = await h.extra({ resolver: new RecipientResolver(h.db.store, { postmaster: 'dave@example.test' }) });
    const before = (await mailboxContents(h.db, 'dave@example.test')).length;
    const r = await send('someone@remote.example', ['Postmaster', 'postmaster@catch.test', 'POSTMASTER@example.test', 'nobody@example.test'], mail({ Subject: 'to the postmaster' }), ports.mx);
    expect(r.rcpt).toEqual(['250 2.1.5 Accepted', '250 2.1.5 Accepted', '250 2.1.5 Accepted', '550 5.1.1 No such user here']);
    expect(r.data).toMatch(/^250 /);
    const after = await mailboxContents(h.db, 'dave@example.test');
    // postmaster@catch.test reaches dave through the catch-all, the others through the fallback.
    expect(after.length - before).toBe(1); // one copy per mailbox, however many of its addresses were named
    expect(after.slice(before).every((m) => m.includes('Subject: to the postmaster'))).toBe(true);
    // An existing postmaster address keeps its own destination.
    await h.db.store.aliases.create('postmaster@example.test', ['bob@example.test']);
    const bobBefore = (await mailboxContents(h.db, 'bob@example.test')).length;
    expect((await send('someone@remote.example', ['postmaster@example.test'], mail({ Subject: 'alias postmaster' }), ports.mx)).data).toMatch(/^250 /);
    expect((await mailboxContents(h.db, 'bob@example.test')).length).toBe(bobBefore + 1);
    await h.db.store.aliases.remove('postmaster@example.test');
  });

  it('holds ENVID to RFC 3461 4.4: at most 100 printable ASCII characters once xtext is decoded', async () => {
    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    expect(await c.cmd(`MAIL FROM:<a@remote.example> ENVID=${'x'.repeat(101)}`)).toBe('501 5.5.4 Invalid ENVID: at most 100 printable ASCII characters');
    expect(await c.cmd('MAIL FROM:<a@remote.example> ENVID=caf+C3+A9')).toMatch(/^501 5\.5\.4 Invalid ENVID/);
    expect(await c.cmd(`MAIL FROM:<a@remote.example> ENVID=${'x'.repeat(99)}+2B`)).toMatch(/^250 /);
    c.close();
  });

  it('closes the session with 421 after 10 unrecognised commands', async () => {
    const c = await SmtpTalk.connect(h.ports.mx);
    const replies: string[] = [];
    for (let i = 0; i < 10; i++) replies.push(await c.cmd(`BOGUS${i}`));
    expect(replies[0]).toMatch(/^500 5\.5\.2/);
    expect(replies[9]).toMatch(/^421 /);
    expect(await c.reply()).toBe('');
    c.close();
  });

  it('refuses more than the maximum of recipients with 452', async () => {
    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    await c.cmd('MAIL FROM:<a@remote.example>');
    const replies: string[] = [];
    for (let i = 0; i < 21; i++) replies.push(await c.cmd(`RCPT TO:<x${i}@catch.test>`));
    expect(replies.slice(0, 20).every((r) => r.startsWith('250'))).toBe(true);
    expect(replies[20]).toMatch(/^452 4\.5\.3/);
    c.close();
  });
});

describe('MX listener: delivery', () => {
  it('stores the message with Return-Path, Delivered-To, Received and Authentication-Results, and only then answers 250', async () => {
    const r = await send('sender@remote.example', ['Alice@EXAMPLE.test'], mail({ From: 'sender@remote.example', To: 'alice@example.test', Subject: 'first' }, 'line one\r\n.dot line\r\n'));
    expect(r.data).toMatch(/^250 2\.0\.0 Ok: stored/);
    const inbox = await mailboxContents(h.db, 'alice@example.test');
    const stored = inbox.find((m) => m.includes('Subject: first'))!;
    expect(stored).toMatch(/^Return-Path: <sender@remote\.example>\r\nDelivered-To: alice@example\.test\r\n/);
    expect(stored).toMatch(/Received: from client\.remote\.example \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Mailstead\)\r\n\twith ESMTP\r\n\tid \S+\r\n\tfor <Alice@EXAMPLE\.test>;/);
    expect(stored).toMatch(/Authentication-Results: mx\.example\.test;\r\n dkim=none/);
    expect(stored).toMatch(/spf=none/);
    expect(stored).toContain('\r\n\r\nline one\r\n.dot line\r\n');
  });

  it('tolerates bare LF and long lines and stores CRLF', async () => {
    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    await c.cmd('MAIL FROM:<lf@remote.example>');
    await c.cmd('RCPT TO:<bob@example.test>');
    await c.cmd('DATA');
    c.write(`Subject: bare-lf\nFrom: lf@remote.example\n\n${'x'.repeat(2000)}\nend\r\n.\r\n`);
    expect(await c.reply()).toMatch(/^250 /);
    c.close();
    const stored = (await mailboxContents(h.db, 'bob@example.test')).find((m) => m.includes('Subject: bare-lf'))!;
    expect(stored).toContain(`Subject: bare-lf\r\nFrom: lf@remote.example\r\n\r\n${'x'.repeat(2000)}\r\nend\r\n`);
  });

  it('enforces SIZE: declared too big -> 552 at MAIL, sent too big -> 552 5.3.4 after DATA, nothing stored', async () => {
    const before = (await mailboxContents(h.db, 'dave@example.test')).length;
    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    expect(await c.cmd('MAIL FROM:<big@remote.example> SIZE=300000')).toMatch(/^552 5\.3\.4/);
    expect(await c.cmd('MAIL FROM:<big@remote.example>')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<dave@example.test>')).toMatch(/^250/);
    expect(await c.data(mail({ Subject: 'big' }, `${'y'.repeat(998)}\r\n`.repeat(250)))).toMatch(/^552 5\.3\.4/);
    expect(await c.cmd('NOOP')).toMatch(/^250/);
    c.close();
    expect((await mailboxContents(h.db, 'dave@example.test')).length).toBe(before);
  });

  it('refuses a message with more than 30 Received fields as a loop (554 5.4.6)', async () => {
    const received = Array.from({ length: 31 }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example; Sun, 22 Nov 2026 10:00:00 +0000`).join('\r\n');
    const r = await send('loop@remote.example', ['bob@example.test'], `${received}\r\n${mail({ Subject: 'looping' })}`);
    expect(r.data).toBe('554 5.4.6 Routing loop detected: too many Received headers');
    expect((await mailboxContents(h.db, 'bob@example.test')).some((m) => m.includes('Subject: looping'))).toBe(false);
  });

  it('fans an alias out to every destination, local and remote (an outbound row with the original sender)', async () => {
    const r = await send('fan@remote.example', ['info@example.test', 'fwd@example.test'], mail({ Subject: 'fan-out' }));
    expect(r.rcpt).toEqual(['250 2.1.5 Accepted', '250 2.1.5 Accepted']);
    expect(r.data).toMatch(/^250 /);
    for (const who of ['alice', 'bob', 'dave']) {
      const copies = (await mailboxContents(h.db, `${who}@example.test`)).filter((m) => m.includes('Subject: fan-out'));
      expect(copies).toHaveLength(1);
      // each local copy names its own final recipient, right under Return-Path
      expect(copies[0]).toMatch(new RegExp(`^Return-Path: <fan@remote\\.example>\r\nDelivered-To: ${who}@example\\.test\r\n`));
    }
    const row = (await outbound()).find((o) => o.domain === 'remote.example' && o.sender === 'fan@remote.example')!;
    expect(row.recipients.map((x) => x.address)).toEqual(['someone@remote.example']);
  });

  it('delivers any address of a catch-all domain to its destination', async () => {
    const r = await send('x@remote.example', ['whatever-123@catch.test'], mail({ Subject: 'caught' }));
    expect(r.data).toMatch(/^250 /);
    expect((await mailboxContents(h.db, 'dave@example.test')).some((m) => m.includes('Subject: caught'))).toBe(true);
  });

  it('plus-addressing files into the folder named by the tag when it exists, else INBOX', async () => {
    expect((await send('shop@remote.example', ['alice+Receipts@example.test'], mail({ Subject: 'receipt' }))).data).toMatch(/^250 /);
    expect((await send('shop@remote.example', ['alice+nosuchfolder@example.test'], mail({ Subject: 'tagged' }))).data).toMatch(/^250 /);
    expect((await mailboxContents(h.db, 'alice@example.test', 'Receipts')).some((m) => m.includes('Subject: receipt'))).toBe(true);
    expect((await mailboxContents(h.db, 'alice@example.test')).some((m) => m.includes('Subject: tagged'))).toBe(true);
    expect((await mailboxContents(h.db, 'alice@example.test')).some((m) => m.includes('Subject: receipt'))).toBe(false);
  });

  it('quota: a full mailbox gets 452 4.2.2 at RCPT, a message bigger than the whole quota 552 5.2.2, a message that would overflow 452 at DATA', async () => {
    await h.db.store.accounts.setQuota('full@example.test', 3000);
    await h.db.store.accounts.setQuota('tiny@example.test', 100);
    const full = (await h.db.store.accounts.findByAddress('full@example.test'))!;
    const inbox = (await h.db.store.mailboxes.findByName(full.id, 'INBOX'))!;
    await h.db.store.messages.append(inbox.id, [{ raw: Buffer.from(mail({ Subject: 'filler' }, `${'z'.repeat(70)}\r\n`.repeat(30))) }]);
    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    await c.cmd('MAIL FROM:<q@remote.example>');
    expect(await c.cmd('RCPT TO:<tiny@example.test>')).toMatch(/^250/);
    expect(await c.data(mail({ Subject: 'too big for tiny' }))).toBe('552 5.2.2 Message exceeds the mailbox quota');
    await c.cmd('MAIL FROM:<q@remote.example> SIZE=5000');
    expect(await c.cmd('RCPT TO:<full@example.test>')).toBe('552 5.2.2 Message exceeds the mailbox quota');
    await c.cmd('RSET');
    await c.cmd('MAIL FROM:<q@remote.example>');
    expect(await c.cmd('RCPT TO:<full@example.test>')).toMatch(/^250/);
    expect(await c.data(mail({ Subject: 'overflow' }, `${'w'.repeat(70)}\r\n`.repeat(20)))).toBe('452 4.2.2 Mailbox full, try again later');
    // the quota lowered below what is already used: the mailbox is full
    await h.db.store.accounts.setQuota('full@example.test', 1000);
    await c.cmd('MAIL FROM:<q@remote.example>');
    expect(await c.cmd('RCPT TO:<full@example.test>')).toBe('452 4.2.2 Mailbox full, try again later');
    c.close();
    expect((await mailboxContents(h.db, 'full@example.test')).some((m) => m.includes('overflow'))).toBe(false);
  });

  it('one recipient over quota without SIZE= does not fail the others: 250, they get it, the sender gets one DSN for it (RFC 3464)', async () => {
    const hash = await hashPassword('x');
    await h.db.store.accounts.create({ address: 'nearly@example.test', passwordHash: hash });
    await h.db.store.accounts.setQuota('nearly@example.test', 3000);
    const nearly = (await h.db.store.accounts.findByAddress('nearly@example.test'))!;
    const inbox = (await h.db.store.mailboxes.findByName(nearly.id, 'INBOX'))!;
    await h.db.store.messages.append(inbox.id, [{ raw: Buffer.from(mail({ Subject: 'filler' }, `${'z'.repeat(70)}\r\n`.repeat(30))) }]);
    const big = `${'w'.repeat(70)}\r\n`.repeat(20);

    const c = await SmtpTalk.connect(h.ports.mx);
    await c.cmd('EHLO client.remote.example');
    await c.cmd('MAIL FROM:<alice@example.test>');
    expect(await c.cmd('RCPT TO:<nearly@example.test>')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<bob@example.test>')).toMatch(/^250/);
    expect(await c.data(mail({ Subject: 'partly over quota' }, big))).toMatch(/^250 /);
    // a remote sender's DSN leaves from the null sender, NOTIFY=NEVER
    await c.cmd('MAIL FROM:<someone@remote.example>');
    await c.cmd('RCPT TO:<nearly@example.test>');
    await c.cmd('RCPT TO:<bob@example.test>');
    expect(await c.data(mail({ Subject: 'remote partly over quota' }, big))).toMatch(/^250 /);
    c.close();

    expect((await mailboxContents(h.db, 'bob@example.test')).filter((m) => m.includes('partly over quota'))).toHaveLength(2);
    expect((await mailboxContents(h.db, 'nearly@example.test')).some((m) => m.includes('partly over quota'))).toBe(false);
    const reports = (await mailboxContents(h.db, 'alice@example.test')).filter((m) => m.includes('report-type=delivery-status'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^Return-Path: <>\r\n/);
    expect(reports[0]).toMatch(/Final-Recipient: rfc822; nearly@example\.test\r\nOriginal-Recipient: rfc822;nearly@example\.test\r\nAction: failed\r\nStatus: 5\.2\.2/);
    expect(reports[0]).not.toContain('bob@example.test\r\nAction');
    const bounces = (await h.db.store.outbound.list()).filter((q) => q.sender === '' && q.recipients.some((r) => r.address === 'someone@remote.example'));
    expect(bounces).toHaveLength(1);
  });
});

describe('MX listener: mailing lists', () => {
  it('members-only list refuses a non-member (550 5.7.1) and delivers a member\'s post with list fields, once per member, bounces to the list', async () => {
    const refused = await send('stranger@remote.example', ['team@example.test']);
    expect(refused.rcpt[0]).toBe('550 5.7.1 Only members may post to team@example.test');

    const r = await send('alice@example.test', ['team@example.test', 'bob@example.test'], mail({ From: 'alice@example.test', Subject: 'standup', 'Reply-To': 'alice@example.test' }));
    expect(r.data).toMatch(/^250 /);
    const bobs = (await mailboxContents(h.db, 'bob@example.test')).filter((m) => m.includes('standup'));
    expect(bobs).toHaveLength(1);
    const post = bobs[0]!;
    expect(post).toMatch(/^Return-Path: <team-bounces@example\.test>\r\n/);
    expect(post).toContain('List-Id: "Team" <team.example.test>');
    expect(post).toContain('List-Post: <mailto:team@example.test>');
    // RFC 8058: bob's own signed HTTPS link (no mailto: no -request address answers one)
    const link = /\r\nList-Unsubscribe: <(https:\/\/mx\.example\.test\/api\/lists\/unsubscribe\/([^>]+))>\r\n/.exec(post);
    expect(link).not.toBeNull();
    expect(verifyUnsubscribeToken(h.ctx.listLinks!.secret, link![2]!)).toEqual({ listId: expect.any(Number), member: 'bob@example.test' });
    expect(post).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(post).toContain(`List-Help: <${link![1]}>`);
    expect(post).toContain('Delivered-To: bob@example.test');
    expect(post).toContain('Precedence: list');
    expect(post).toContain('Subject: [team] standup');
    expect(post).toContain('Reply-To: <team@example.test>');
    expect(post).not.toContain('Reply-To: alice@example.test');
    expect((await mailboxContents(h.db, 'alice@example.test')).filter((m) => m.includes('standup'))).toHaveLength(1);
    const row = (await outbound()).find((o) => o.sender === 'team-bounces@example.test')!;
    expect(row.recipients.map((x) => x.address)).toEqual(['member@remote.example']);
  });

  it('open list with a nested list (and itself as a member) expands once, bounded', async () => {
    const r = await send('anyone@remote.example', ['open@example.test'], mail({ Subject: 'nested post' }));
    expect(r.data).toMatch(/^250 /);
    expect((await mailboxContents(h.db, 'dave@example.test')).filter((m) => m.includes('nested post'))).toHaveLength(1);
  });

  it('moderated list holds the post, tells the sender, and delivers it to members on approval', async () => {
    const r = await send('poster@remote.example', ['mod@example.test'], mail({ Subject: 'please approve' }));
    expect(r.data).toBe('250 2.0.0 Ok: stored; the post to mod@example.test is held for moderation');
    expect((await mailboxContents(h.db, 'bob@example.test')).some((m) => m.includes('please approve'))).toBe(false);
    const queue = await h.db.store.recipients.moderationQueue('mod@example.test');
    expect(queue).toHaveLength(1);
    expect(queue[0]!.sender).toBe('poster@remote.example');
    const result = await approveModeratedPost(h.db.store, h.ctx.resolver, queue[0]!.id, h.ctx.listLinks);
    expect(result.delivered).toBe(2);
    const post = (await mailboxContents(h.db, 'bob@example.test')).find((m) => m.includes('please approve'))!;
    expect(post).toContain('List-Id: "Moderated" <mod.example.test>');
    expect(await h.db.store.recipients.moderationQueue('mod@example.test')).toEqual([]);
    await expect(approveModeratedPost(h.db.store, h.ctx.resolver, queue[0]!.id, h.ctx.listLinks)).rejects.toThrow(/not found/);

    // a second post, rejected by the moderator, reaches nobody
    await send('poster@remote.example', ['mod@example.test'], mail({ Subject: 'spam for the list' }));
    const [held] = await h.db.store.recipients.moderationQueue('mod@example.test');
    await rejectModeratedPost(h.db.store, held!.id, 'off topic');
    expect(await h.db.store.recipients.moderationQueue('mod@example.test')).toEqual([]);
    expect((await h.db.store.recipients.moderationQueue('mod@example.test', 'rejected'))[0]).toMatchObject({ sender: 'poster@remote.example', reason: 'off topic' });
    expect((await mailboxContents(h.db, 'bob@example.test')).some((m) => m.includes('spam for the list'))).toBe(false);
  });
});

describe('MX listener: sender checks', () => {
  it('files mail failing DMARC (p=reject) in Junk with the verdict in Authentication-Results', async () => {
    testDns.set('TXT:_dmarc.strict.example', [['v=DMARC1; p=reject']]);
    testDns.set('TXT:strict.example', [['v=spf1 -all']]);
    const r = await send('ceo@strict.example', ['dave@example.test'], mail({ From: 'ceo@strict.example', Subject: 'wire money' }));
    expect(r.data).toMatch(/^250 /);
    const junk = (await mailboxContents(h.db, 'dave@example.test', 'Junk')).find((m) => m.includes('wire money'))!;
    expect(junk).toMatch(/spf=fail/);
    expect(junk).toMatch(/dmarc=fail/);
    expect((await mailboxContents(h.db, 'dave@example.test')).some((m) => m.includes('wire money'))).toBe(false);
  });

  it('refuses it with 550 5.7.1 when DMARC enforcement is on', async () => {
    const ports = await h.extra({ dmarcReject: true });
    const r = await send('ceo@strict.example', ['dave@example.test'], mail({ From: 'ceo@strict.example', Subject: 'wire more' }), ports.mx);
    expect(r.data).toBe("550 5.7.1 Message rejected by the sender domain's DMARC policy");
  });
});

describe('MX listener: durability and limits', () => {
  it('answers 451 4.3.0 and stores nothing when the transaction fails, and stores the retry once', async () => {
    const messages = h.db.store.messages;
    const real = messages.deliverBatch.bind(messages);
    // a failure injected inside the store transaction, after the first copies were inserted
    messages.deliverBatch = (parts) => real([...parts, { raw: Buffer.from('x'), targets: [{ mailboxId: -1 }] }]);
    const message = mail({ Subject: 'atomic' });
    try {
      const r = await send('retry@remote.example', ['info@example.test'], message);
      expect(r.data).toBe('451 4.3.0 Local error in processing, try again later');
    } finally {
      messages.deliverBatch = real;
    }
    for (const who of ['alice', 'bob']) expect((await mailboxContents(h.db, `${who}@example.test`)).some((m) => m.includes('atomic'))).toBe(false);
    expect((await send('retry@remote.example', ['info@example.test'], message)).data).toMatch(/^250 /);
    for (const who of ['alice', 'bob']) expect((await mailboxContents(h.db, `${who}@example.test`)).filter((m) => m.includes('atomic'))).toHaveLength(1);
  });

  it('refuses MAIL FROM with 452 4.3.1 while the data directory lacks free space (Postfix queue_minfree), before any data is sent', async () => {
    const ports = await h.extra({ storage: { dir: os.tmpdir(), minFree: Number.MAX_SAFE_INTEGER } });
    const full = await SmtpTalk.connect(ports.mx);
    await full.cmd('EHLO client.remote.example');
    expect(await full.cmd('MAIL FROM:<someone@remote.example>')).toBe('452 4.3.1 Insufficient system storage, try again later');
    full.close();
    const room = await h.extra({ storage: { dir: os.tmpdir(), minFree: 1 } });
    const c = await SmtpTalk.connect(room.mx);
    await c.cmd('EHLO client.remote.example');
    expect(await c.cmd('MAIL FROM:<someone@remote.example>')).toMatch(/^250 /);
    c.close();
  });

  it('rejects early talkers with 421 when a greeting delay is set', async () => {
    const ports = await h.extra({ limits: { ...h.ctx.limits, greetingDelayMs: 1500 } });
    const c = await SmtpTalk.connect(ports.mx, { greeting: false });
    c.write('EHLO impatient.example\r\n');
    expect(await c.reply()).toMatch(/^421 .*talk too soon/);
    c.close();
    const polite = await SmtpTalk.connect(ports.mx);
    expect(await polite.cmd('EHLO polite.example')).toMatch(/^250/);
    polite.close();
  });

  it('closes an idle session with 421 after the idle timeout', async () => {
    const ports = await h.extra({ limits: { ...h.ctx.limits, idleTimeoutSeconds: 1 } });
    const c = await SmtpTalk.connect(ports.mx);
    await c.cmd('HELO sleepy.example');
    expect(await c.reply(5_000)).toMatch(/^421 /);
    expect(await c.reply(5_000)).toBe('');
    c.close();
  });

  it('caps connections per IP with 421 4.7.0', async () => {
    const ports = await h.extra({ limits: { ...h.ctx.limits, maxConnectionsPerIp: 2 } });
    const a = await SmtpTalk.connect(ports.mx);
    const b = await SmtpTalk.connect(ports.mx);
    const c = await SmtpTalk.connect(ports.mx, { greeting: false });
    expect(await c.reply()).toBe('421 4.7.0 Too many connections from your address, try again later');
    a.close();
    // once the server has seen the first connection close, a new one is welcome again
    let greeting = '';
    for (let attempt = 0; attempt < 50 && !greeting.startsWith('220'); attempt++) {
      const d = await SmtpTalk.connect(ports.mx, { greeting: false });
      greeting = await d.reply();
      d.close();
      if (!greeting.startsWith('220')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(greeting).toMatch(/^220 /);
    for (const s of [b, c]) s.close();
  });
});
