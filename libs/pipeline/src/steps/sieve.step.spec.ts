import { describe, expect, it } from 'vitest';
import type { SieveDeliveryScripts, SieveScriptRecord } from '@mailstead/store';
import type { LocalCopy } from '../delivery-step';
import type { DeliveryPart } from '../recipients/delivery-plan';
import { SmtpReply } from '../smtp-reply';
import type { SieveAction, SieveEngine, SieveRunResult } from '../sieve/sieve-engine';
import { envelope, mailbox, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { sieveStep, type RedirectForwarder } from './sieve.step';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const RAW = 'Return-Path: <sender@remote.test>\r\nDelivered-To: user1@local.test\r\nFrom: sender@remote.test\r\nSubject: Hello\r\nMessage-ID: <m1@remote.test>\r\n\r\nbody\r\n';

function script(overrides: Partial<SieveScriptRecord> = {}): SieveScriptRecord {
  return { id: 1, name: 'mine', content: 'keep;', active: true, version: 1, reportedVersion: null, place: 'personal', domainId: null, ...overrides };
}

/** A store with just what the step reads: scripts, mailboxes by name, tracking lookups. */
function fakeStore(opts: { scripts?: Partial<SieveDeliveryScripts> | null; mailboxes?: Record<string, number>; replied?: boolean; owned?: string[] } = {}) {
  const calls = { forDelivery: 0 };
  const boxes = { INBOX: 10, ...opts.mailboxes };
  const store = {
    sieve: {
      forDelivery: async () => {
        calls.forDelivery++;
        return opts.scripts === null ? null : { domainId: 1, addresses: ['user1@local.test', 'alias1@local.test'], personal: null, before: [], after: [], ...opts.scripts };
      },
      get: async () => null,
      globalInclude: async () => null,
      duplicateSeen: async () => false,
      vacationReplied: async () => opts.replied ?? false,
    },
    mailboxes: { findByName: async (_account: number, name: string) => (name in boxes ? { id: boxes[name as keyof typeof boxes] } : null) },
    accounts: { canSendAs: async (_account: number, address: string) => (opts.owned ?? []).includes(address) },
    // noticePart: local sender -> INBOX, remote -> outbound from <>
    domains: { findByName: async (name: string) => (name === 'local.test' ? { id: 1 } : null) },
  };
  Object.assign(store.accounts, { findByAddress: async (address: string) => (address.endsWith('@local.test') ? { id: 7 } : null) });
  return { store, calls };
}

/** An engine whose compile and run answers the test chooses; it counts compiles. */
function fakeEngine(outcome: Partial<SieveRunResult> | ((scripts: readonly string[]) => Partial<SieveRunResult>), compileErrors: Record<string, string> = {}) {
  const compiled: string[] = [];
  const engine: SieveEngine<string> = {
    compile: (source) => {
      compiled.push(source);
      return compileErrors[source] ? { ok: false, errors: [{ line: 1, column: 2, message: compileErrors[source]! }] } : { ok: true, script: source };
    },
    run: async (scripts) => ({ actions: [], headers: null, duplicates: [], error: null, ...(typeof outcome === 'function' ? outcome(scripts) : outcome) }),
  };
  return { engine, compiled };
}

function copyOf(accountId = 1): LocalCopy {
  const box = mailbox(accountId);
  return { mailbox: box, list: null, raw: Buffer.from(RAW), mailboxId: box.mailboxId, flags: [] };
}

function run(actions: SieveAction[], opts: Parameters<typeof fakeStore>[0] & { forwarding?: RedirectForwarder; raw?: string; recipients?: number } = {}) {
  const { store, calls } = fakeStore({ scripts: { personal: script() }, ...opts });
  const { engine } = fakeEngine({ actions });
  const step = sieveStep({ store: store as never, engine, hostname: 'mx.local.test', logger: quiet, forwarding: opts.forwarding, now: () => new Date('2026-12-04T12:00:00Z') });
  const recipients = Array.from({ length: opts.recipients ?? 1 }, (_, i) => ({ resolution: resolution(`user${i + 1}@local.test`, { mailboxes: [mailbox(i + 1)] }) }));
  const message = messageUnderCheck(opts.raw ?? RAW, { recipients });
  const copy = copyOf();
  if (opts.raw) copy.raw = Buffer.from(opts.raw);
  return { step, message, copy, calls, go: () => step.copy!(message, copy) };
}

const vacation = { type: 'vacation', handle: 'away', seconds: 7 * 86400, subject: null, from: null, reason: 'I am away.', mime: false } as const;
const text = (p: DeliveryPart) => p.raw.toString('utf8');

describe('sieve step', () => {
  it('leaves the copy alone when the account has no script', async () => {
    const { store } = fakeStore({ scripts: {} });
    const { engine, compiled } = fakeEngine({ actions: [{ type: 'discard' }] });
    const copy = copyOf();
    await sieveStep({ store: store as never, engine, hostname: 'h', logger: quiet }).copy!(messageUnderCheck(RAW), copy);
    expect(copy.into).toBeUndefined();
    expect(compiled).toEqual([]);
  });

  it('keep and fileinto are one copy each, with their valid flags; the same mailbox twice is one copy', async () => {
    const t = run(
      [
        { type: 'keep', flags: [] },
        { type: 'fileinto', mailbox: 'Work', flags: ['\\Seen', '$Label1', 'bad(keyword'], create: false },
        { type: 'fileinto', mailbox: 'Work', flags: [], create: false },
      ],
      { mailboxes: { Work: 33 } },
    );
    expect(await t.go()).toBeUndefined();
    expect(t.copy.into).toEqual([
      { mailboxId: 10, flags: [] },
      { mailboxId: 33, flags: ['\\Seen', '$Label1'] },
    ]);
  });

  it('fileinto :create names a mailbox to create; without :create a missing mailbox falls back to where keep files', async () => {
    const created = run([{ type: 'fileinto', mailbox: 'New/Box', flags: [], create: true }]);
    await created.go();
    expect(created.copy.into).toEqual([{ create: { accountId: 1, name: 'New/Box' }, flags: [] }]);
    const missing = run([{ type: 'fileinto', mailbox: 'Nowhere', flags: ['\\Flagged'], create: false }]);
    await missing.go();
    expect(missing.copy.into).toEqual([{ mailboxId: 10, flags: ['\\Flagged'] }]);
  });

  it('discard files the copy nowhere without failing it', async () => {
    const t = run([{ type: 'discard' }]);
    expect(await t.go()).toBeUndefined();
    expect(t.copy.into).toEqual([]);
    expect(t.copy.failed).toBeUndefined();
  });

  it('redirect: an outbound part without Return-Path (or the forwarder’s part when there is one)', async () => {
    const plain = run([{ type: 'redirect', address: 'far@remote.test' }]);
    await plain.go();
    const [part] = plain.copy.parts!;
    expect(part!.options?.outbound).toMatchObject({ sender: 'sender@remote.test', recipients: [{ address: 'far@remote.test' }] });
    expect(text(part!)).not.toMatch(/^Return-Path:/im);
    expect(text(part!)).toMatch(/^Delivered-To: user1@local.test/m);
    const seen: unknown[] = [];
    const forwarding: RedirectForwarder = {
      forwardedPart: async (input) => {
        seen.push(input);
        return { raw: input.raw, targets: [], options: { outbound: { sender: 'SRS0=x@local.test', recipients: [{ address: 'far@remote.test' }] } } };
      },
    };
    const srs = run([{ type: 'redirect', address: 'far@remote.test' }], { forwarding });
    await srs.go();
    expect(seen).toMatchObject([{ originalSender: 'sender@remote.test', recipients: ['far@remote.test'], forwardingAddress: 'user1@local.test' }]);
    expect(srs.copy.parts![0]!.options?.outbound?.sender).toBe('SRS0=x@local.test');
  });

  it('reject: 550 5.7.1 with the reason at the MX for a single recipient, else a DSN to the sender and no copy', async () => {
    const alone = run([{ type: 'reject', reason: 'Not\r\nwanted', extended: false }]);
    const reply = await alone.go();
    expect(reply).toBeInstanceOf(SmtpReply);
    expect((reply as SmtpReply).line).toBe('550 5.7.1 Not wanted');
    // submission has no refusal to give the author after DATA of a message they sent to others too: the DSN it is
    const submitted = run([{ type: 'reject', reason: 'Not wanted', extended: false }]);
    (submitted.message.envelope as { source: string }).source = 'submission';
    expect(await submitted.go()).toBeUndefined();
    expect(submitted.copy.parts).toHaveLength(1);
    const many = run([{ type: 'reject', reason: 'Not wanted', extended: true }], { recipients: 2 });
    expect(await many.go()).toBeUndefined();
    expect(many.copy.into).toEqual([]);
    const [dsn] = many.copy.parts!;
    expect(dsn!.options?.outbound).toMatchObject({ sender: '', recipients: [{ address: 'sender@remote.test', notify: ['NEVER'] }] });
    expect(text(dsn!)).toMatch(/Status: 5\.7\.1/);
    expect(text(dsn!)).toMatch(/550 5\.7\.1 Not wanted/);
  });

  it('vacation: a reply from the null sender to the envelope sender, with Auto-Submitted, In-Reply-To and a claim for the period', async () => {
    const t = run([{ type: 'keep', flags: [] }, vacation]);
    await t.go();
    const [reply] = t.copy.parts!;
    expect(reply!.options?.outbound).toMatchObject({ sender: '', recipients: [{ address: 'sender@remote.test' }] });
    expect(reply!.options?.vacationClaim).toEqual({ accountId: 1, handle: 'away', sender: 'sender@remote.test', until: new Date('2026-12-11T12:00:00Z') });
    const raw = text(reply!);
    expect(raw).toMatch(/^From: <user1@local\.test>\r$/m);
    expect(raw).toMatch(/^To: <sender@remote\.test>\r$/m);
    expect(raw).toMatch(/^Subject: Auto: Hello\r$/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(raw).toMatch(/^In-Reply-To: <m1@remote\.test>\r$/m);
    expect(raw).toMatch(/^References: <m1@remote\.test>\r$/m);
    expect(raw).toMatch(/\r\n\r\nI am away\.\r\n$/);
  });

  it('vacation :from only when the user owns it, else the user’s address', async () => {
    const owned = run([{ ...vacation, from: 'Me <alias1@local.test>' }], { owned: ['alias1@local.test'] });
    await owned.go();
    expect(text(owned.copy.parts![0]!)).toMatch(/^From: Me <alias1@local\.test>\r$/m);
    const foreign = run([{ ...vacation, from: 'ceo@elsewhere.test' }]);
    await foreign.go();
    expect(text(foreign.copy.parts![0]!)).toMatch(/^From: <user1@local\.test>\r$/m);
  });

  it('vacation never answers <>, automatic, bulk or list mail, list software, or a sender answered within the period', async () => {
    const cases: { raw?: string; sender?: string; replied?: boolean }[] = [
      { sender: '' },
      { sender: 'owner-rust@lists.test' },
      { sender: 'MAILER-DAEMON@remote.test' },
      { sender: 'alias1@local.test' },
      { raw: RAW.replace('Subject:', 'Auto-Submitted: auto-generated\r\nSubject:') },
      { raw: RAW.replace('Subject:', 'Precedence: bulk\r\nSubject:') },
      { raw: RAW.replace('Subject:', 'List-Id: <rust.lists.test>\r\nSubject:') },
      { replied: true },
    ];
    for (const c of cases) {
      const t = run([{ type: 'keep', flags: [] }, vacation], { raw: c.raw, replied: c.replied });
      if (c.sender !== undefined) (t.message.envelope as { sender: string }).sender = c.sender;
      await t.go();
      expect(t.copy.parts ?? [], JSON.stringify(c)).toEqual([]);
    }
    const no = run([vacation], { raw: RAW.replace('Subject:', 'Auto-Submitted: no\r\nSubject:') });
    await no.go();
    expect(no.copy.parts).toHaveLength(1);
  });

  it('a script that does not compile changes nothing and tells the user, with a claim on the version (none once it was reported)', async () => {
    const scripts: Partial<SieveDeliveryScripts> = { personal: script({ id: 4, version: 3, content: 'broken' }) };
    const { store } = fakeStore({ scripts });
    const { engine } = fakeEngine({ actions: [{ type: 'discard' }] }, { broken: 'unexpected end' });
    const step = sieveStep({ store: store as never, engine, hostname: 'mx.local.test', logger: quiet });
    const first = copyOf();
    await step.copy!(messageUnderCheck(RAW), first);
    expect(first.into).toBeUndefined();
    expect(first.parts).toHaveLength(1);
    expect(first.parts![0]!.targets).toEqual([{ mailboxId: 10 }]);
    expect(first.parts![0]!.options?.scriptErrorClaim).toEqual({ scriptId: 4, version: 3 });
    expect(text(first.parts![0]!)).toMatch(/^Return-Path: <>\r\n/);
    expect(text(first.parts![0]!)).toMatch(/line 1, column 2: unexpected end/);
    scripts.personal = script({ id: 4, version: 3, reportedVersion: 3, content: 'broken' });
    const second = copyOf();
    await step.copy!(messageUnderCheck(RAW), second);
    expect(second.into).toBeUndefined();
    expect(second.parts).toBeUndefined();
  });

  it('a run-time error keeps the copy unchanged (RFC 5228 2.10.6) and reports a user script’s error; an admin script’s is only logged', async () => {
    const { store } = fakeStore({ scripts: { personal: script(), before: [script({ id: 2, place: 'before', content: 'admin' })] } });
    const { engine } = fakeEngine({ actions: [{ type: 'discard' }], headers: [{ name: 'X', value: 'y' }], error: { message: 'too many actions', script: 1 } });
    const step = sieveStep({ store: store as never, engine, hostname: 'mx.local.test', logger: quiet });
    const user = copyOf();
    await step.copy!(messageUnderCheck(RAW), user);
    expect(user.into).toBeUndefined();
    expect(user.raw.toString()).toBe(RAW);
    expect(text(user.parts![0]!)).toMatch(/too many actions/);
    const admin = fakeEngine({ actions: [{ type: 'discard' }], error: { message: 'admin broke', script: 0 } });
    const adminStep = sieveStep({ store: fakeStore({ scripts: { personal: script({ id: 5 }), before: [script({ id: 2, place: 'before', content: 'admin' })] } }).store as never, engine: admin.engine, hostname: 'h', logger: quiet });
    const kept = copyOf();
    await adminStep.copy!(messageUnderCheck(RAW), kept);
    expect(kept.into).toBeUndefined();
    expect(kept.parts).toBeUndefined();
  });

  it('runs before, personal, after in order and compiles each script version once', async () => {
    const order: string[][] = [];
    const scripts = { before: [script({ id: 2, place: 'before', content: 'b' })], personal: script({ id: 3, content: 'p' }), after: [script({ id: 4, place: 'after', content: 'a' })] };
    const { store } = fakeStore({ scripts });
    const { engine, compiled } = fakeEngine((s) => {
      order.push([...s]);
      return { actions: [{ type: 'keep', flags: [] }] };
    });
    const step = sieveStep({ store: store as never, engine, hostname: 'h', logger: quiet });
    for (let i = 0; i < 3; i++) await step.copy!(messageUnderCheck(RAW), copyOf());
    expect(order).toEqual([['b', 'p', 'a'], ['b', 'p', 'a'], ['b', 'p', 'a']]);
    expect(compiled).toEqual(['b', 'p', 'a']);
    scripts.personal = script({ id: 3, version: 2, content: 'p2' });
    await step.copy!(messageUnderCheck(RAW), copyOf());
    expect(compiled).toEqual(['b', 'p', 'a', 'p2']);
  });

  it('editheader replaces the copy’s header, the body untouched; duplicate ids become records of the delivery', async () => {
    const { store } = fakeStore({ scripts: { personal: script() } });
    const { engine } = fakeEngine({
      actions: [{ type: 'keep', flags: [] }],
      headers: [
        { name: 'X-Filtered', value: 'yes' },
        { name: 'Subject', value: 'Hello' },
      ],
      duplicates: [{ key: 'id:<m1@remote.test>', seconds: 60 }],
    });
    const copy = copyOf();
    copy.parsed = {} as never;
    await sieveStep({ store: store as never, engine, hostname: 'h', logger: quiet, now: () => new Date(0) }).copy!(messageUnderCheck(RAW, { envelope: envelope() }), copy);
    expect(copy.raw.toString()).toBe('X-Filtered: yes\r\nSubject: Hello\r\n\r\nbody\r\n');
    expect(copy.parsed).toBeUndefined();
    expect(copy.records!.duplicates).toEqual([{ accountId: 1, key: expect.stringMatching(/^[0-9a-f]{64}$/), until: new Date(60_000) }]);
  });
});
