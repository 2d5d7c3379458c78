import { describe, expect, it } from 'vitest';
import { StoreError, type Store } from '@mailstead/store';
import { DeliveryPipeline } from './delivery-pipeline';
import { addTrace, type DeliveryStep, type MessageSource } from './delivery-step';
import type { DeliveryPart } from './recipients/delivery-plan';
import type { RecipientResolver, ResolveOutcome } from './recipients/recipient-resolver';
import { smtpReply } from './smtp-reply';
import { envelope, mailbox, resolution } from './test-support/pipeline-fixtures';

/** A store that records what would be committed, and a resolver over a fixed directory. */
function harness(steps: DeliveryStep[], opts: { failWith?: Error } = {}) {
  const batches: DeliveryPart[][] = [];
  const held: number[] = [];
  const logged: string[] = [];
  const store = {
    messages: {
      deliverBatch: async (parts: DeliveryPart[]) => {
        if (opts.failWith) throw opts.failWith;
        batches.push(parts);
        let id = 0n;
        return parts.map((p) => ({ stored: p.targets.map((t) => ({ id: ++id, mailboxId: t.mailboxId, uid: 1, modseq: 1n })), outboundIds: p.options?.outbound ? [99n] : [], blobId: 'b' }));
      },
    },
    accounts: { findByAddress: async (address: string) => (address === 'one@local.test' ? { id: 1 } : null) },
    mailboxes: { findByName: async (accountId: number, name: string) => (name === 'INBOX' ? { id: accountId * 10 } : null) },
    domains: { findByName: async (name: string) => (name === 'local.test' ? { id: 1 } : null) },
    recipients: {
      holdForModeration: async (listId: number) => (held.push(listId), 1),
      mailboxId: async (accountId: number, q: { specialUse?: string }) => (q.specialUse === '\\Sent' ? accountId * 10 + 2 : null),
    },
  } as unknown as Store;
  const directory: Record<string, ResolveOutcome> = {
    'one@local.test': { ok: true, resolution: resolution('one@local.test', { mailboxes: [mailbox(1, { address: 'one@local.test' })] }) },
    'two@local.test': { ok: true, resolution: resolution('two@local.test', { mailboxes: [mailbox(2, { address: 'two@local.test' })] }) },
    'far@remote.test': { ok: true, resolution: resolution('far@remote.test', { local: false, remote: ['far@remote.test'] }) },
  };
  const resolver = {
    messageLimit: 0,
    resolve: async (address: string) => directory[address.toLowerCase()] ?? { ok: false, reply: smtpReply(550, '5.1.1', 'No such user here') },
  } as unknown as RecipientResolver;
  const pipeline = new DeliveryPipeline({ store, resolver, hostname: 'mx.local.test', steps, logger: { info: () => undefined, warn: () => undefined, error: (_o, m) => logged.push(m) } });
  return { pipeline, batches, held, logged };
}

const MESSAGE = Buffer.from('From: a@remote.test\r\nSubject: hi\r\n\r\nbody\r\n');

describe('DeliveryPipeline', () => {
  it('runs each phase of a step for the sources it names, in order', async () => {
    const calls: string[] = [];
    const recorder = (name: string, sources: MessageSource[]): DeliveryStep => ({
      name,
      sources,
      connect: async () => void calls.push(`${name}:connect`),
      sender: async () => void calls.push(`${name}:sender`),
      recipient: async (_e, r) => void calls.push(`${name}:recipient:${r.resolution.address}`),
      message: async () => void calls.push(`${name}:message`),
      copy: async (_m, c) => void calls.push(`${name}:copy:${c.mailbox.accountId}`),
      committed: async () => void calls.push(`${name}:committed`),
    });
    const { pipeline } = harness([recorder('a', ['mx']), recorder('b', ['mx', 'webmail'])]);
    await pipeline.connect('mx', { sessionId: 'S', ip: '192.0.2.1', helo: '', hostname: '', protocol: 'ESMTP', tls: false });
    const tx = await pipeline.begin(envelope());
    await tx.addRecipient('one@local.test');
    await tx.deliver(MESSAGE);
    expect(calls).toEqual([
      'a:connect', 'b:connect', 'a:sender', 'b:sender', 'a:recipient:one@local.test', 'b:recipient:one@local.test',
      'a:message', 'b:message', 'a:copy:1', 'b:copy:1', 'a:committed', 'b:committed',
    ]);
    calls.length = 0;
    const web = await pipeline.begin(envelope({ source: 'webmail', submitter: { accountId: 3, address: 'me@local.test' } }));
    await web.addRecipient('one@local.test');
    await web.deliver(MESSAGE);
    expect(calls).toEqual(['b:sender', 'b:recipient:one@local.test', 'b:message', 'b:copy:1', 'b:committed']);
  });

  it('a recipient step refuses that recipient alone; unknown addresses get the resolver\'s reply', async () => {
    const noTwo: DeliveryStep = { name: 'no-two', sources: ['mx'], recipient: async (_e, r) => (r.resolution.address === 'two@local.test' ? smtpReply(450, '4.7.1', 'try later') : undefined) };
    const { pipeline, batches } = harness([noTwo]);
    const tx = await pipeline.begin(envelope());
    await tx.addRecipient('one@local.test');
    await expect(tx.addRecipient('two@local.test')).rejects.toMatchObject({ responseCode: 450, enhancedCode: '4.7.1' });
    await expect(tx.addRecipient('nobody@local.test')).rejects.toMatchObject({ responseCode: 550 });
    await tx.deliver(MESSAGE);
    expect(batches[0]!.map((p) => p.targets)).toEqual([[{ mailboxId: 10 }]]);
  });

  it('a repeated RCPT counts once, as smtp-server keeps one envelope entry per address', async () => {
    const { pipeline, batches } = harness([]);
    const tx = await pipeline.begin(envelope());
    await tx.addRecipient('one@local.test');
    await tx.addRecipient('ONE@local.test');
    expect(tx.recipients).toHaveLength(1);
    await tx.deliver(MESSAGE);
    expect(batches[0]).toHaveLength(1);
  });

  it('a message step\'s reply refuses the message with nothing stored and no after-commit step', async () => {
    const calls: string[] = [];
    const refuse: DeliveryStep = { name: 'refuse', sources: ['mx'], message: async () => smtpReply(554, '5.7.1', 'no'), committed: async () => void calls.push('committed') };
    const { pipeline, batches } = harness([refuse]);
    const tx = await pipeline.begin(envelope());
    await tx.addRecipient('one@local.test');
    await expect(tx.deliver(MESSAGE)).rejects.toMatchObject({ responseCode: 554 });
    expect(batches).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('gives each local recipient its own copy (trace, Return-Path, Delivered-To), remote ones the traced message, and copy steps decide the folder', async () => {
    const trace: DeliveryStep = { name: 'trace', sources: ['mx'], message: async (m) => void addTrace(m, ['X-Trace: 1']) };
    const refile: DeliveryStep = { name: 'refile', sources: ['mx'], copy: async (_m, c) => void (c.mailbox.accountId === 2 ? ((c.mailboxId = 21), c.flags.push('$Sorted')) : undefined) };
    const { pipeline, batches } = harness([trace, refile]);
    const tx = await pipeline.begin(envelope({ sender: 'a@remote.test', dsn: { envid: 'E1', ret: 'HDRS' } }));
    for (const a of ['one@local.test', 'two@local.test', 'far@remote.test']) await tx.addRecipient(a);
    const receipt = await tx.deliver(MESSAGE);
    const [one, two, far] = batches[0]!;
    expect(one!.raw.toString()).toBe(`Return-Path: <a@remote.test>\r\nDelivered-To: one@local.test\r\nX-Trace: 1\r\n${MESSAGE}`);
    expect(two!.targets).toEqual([{ mailboxId: 21, flags: ['$Sorted'] }]);
    expect(far!.raw.toString()).toBe(`X-Trace: 1\r\n${MESSAGE}`);
    expect(far!.options?.outbound).toEqual({ sender: 'a@remote.test', recipients: [{ address: 'far@remote.test', notify: [], orcpt: null }], envelopeId: 'E1', ret: 'HDRS' });
    expect(receipt).toMatchObject({ local: 2, remote: 1, outboundIds: [99n], sentMailboxId: null });
  });

  it('stores the submitter\'s Sent copy in the same transaction, seen', async () => {
    const sent: DeliveryStep = { name: 'sent', sources: ['webmail'], message: async (m) => void (m.sentCopy = Buffer.from('Bcc: x@y\r\n\r\n')) };
    const { pipeline, batches } = harness([sent]);
    const tx = await pipeline.begin(envelope({ source: 'webmail', submitter: { accountId: 5, address: 'me@local.test' } }));
    await tx.addRecipient('far@remote.test');
    const receipt = await tx.deliver(MESSAGE);
    expect(batches[0]!.at(-1)).toMatchObject({ raw: Buffer.from('Bcc: x@y\r\n\r\n'), targets: [{ mailboxId: 52, flags: ['\\Seen'] }] });
    expect(receipt).toMatchObject({ sentMailboxId: 52, local: 0, remote: 1 });
  });

  it('answers 452 4.2.2 when the store finds a mailbox over quota at commit, and logs a failing after-commit step without failing', async () => {
    const { pipeline } = harness([], { failWith: new StoreError('over_quota', 'full') });
    const tx = await pipeline.begin(envelope());
    await tx.addRecipient('one@local.test');
    await expect(tx.deliver(MESSAGE)).rejects.toMatchObject({ responseCode: 452, enhancedCode: '4.2.2' });

    const broken: DeliveryStep = { name: 'broken', sources: ['mx'], committed: async () => Promise.reject(new Error('gone')) };
    const ok = harness([broken]);
    const tx2 = await ok.pipeline.begin(envelope());
    await tx2.addRecipient('one@local.test');
    await expect(tx2.deliver(MESSAGE)).resolves.toMatchObject({ local: 1 });
    expect(ok.logged).toEqual(['after-commit step failed']);
  });

  describe('a recipient a copy step fails after DATA (one of several)', () => {
    const full: DeliveryStep = { name: 'full', sources: ['mx'], copy: async (_m, c) => void (c.mailbox.accountId === 2 ? (c.failed = smtpReply(452, '4.2.2', 'Mailbox full, try again later')) : undefined) };

    it('delivers to the others and sends the sender one DSN in the same transaction (failed, 5.2.2)', async () => {
      const { pipeline, batches } = harness([full]);
      const tx = await pipeline.begin(envelope({ sender: 'a@remote.test', dsn: { envid: 'ENV9', ret: 'HDRS' } }));
      await tx.addRecipient('one@local.test');
      await tx.addRecipient('two@local.test', { orcpt: 'rfc822;Two@local.test' });
      const receipt = await tx.deliver(MESSAGE);
      expect(receipt).toMatchObject({ local: 1, remote: 0, failed: ['two@local.test'] });
      const [copy, dsn] = batches[0]!;
      expect(copy!.targets).toEqual([{ mailboxId: 10 }]);
      expect(dsn!.options?.outbound).toEqual({ sender: '', recipients: [{ address: 'a@remote.test', notify: ['NEVER'] }] });
      const text = dsn!.raw.toString();
      expect(text).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
      expect(text).toMatch(/Original-Envelope-Id: ENV9/);
      expect(text).toMatch(/Final-Recipient: rfc822; two@local\.test\r\nOriginal-Recipient: rfc822;Two@local\.test\r\nAction: failed\r\nStatus: 5\.2\.2\r\nDiagnostic-Code: smtp; 552 5\.2\.2 Mailbox full/);
      expect(batches[0]).toHaveLength(2);
    });

    it('puts the DSN into a local sender\'s INBOX, and sends none to the null sender or against NOTIFY', async () => {
      const local = harness([full]);
      const tx = await local.pipeline.begin(envelope({ sender: 'one@local.test' }));
      await tx.addRecipient('one@local.test');
      await tx.addRecipient('two@local.test');
      await tx.deliver(MESSAGE);
      expect(local.batches[0]!.map((p) => p.targets)).toEqual([[{ mailboxId: 10 }], [{ mailboxId: 10 }]]);
      expect(local.batches[0]![1]!.raw.toString()).toMatch(/^Return-Path: <>\r\n/);

      for (const [sender, notify] of [['', undefined], ['a@remote.test', ['SUCCESS']], ['a@remote.test', ['NEVER']]] as const) {
        const h = harness([full]);
        const t = await h.pipeline.begin(envelope({ sender }));
        await t.addRecipient('one@local.test');
        await t.addRecipient('two@local.test', { notify: notify ? [...notify] : undefined });
        await t.deliver(MESSAGE);
        expect(h.batches[0]).toHaveLength(1);
      }
    });

    it('refuses the message with the reason when nobody can take it', async () => {
      const { pipeline, batches } = harness([full]);
      const tx = await pipeline.begin(envelope());
      await tx.addRecipient('two@local.test');
      await expect(tx.deliver(MESSAGE)).rejects.toMatchObject({ responseCode: 452, enhancedCode: '4.2.2' });
      expect(batches).toEqual([]);
    });
  });
});
