import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { passwordsAllowed } from '@mailstead/auth';
import { ArgReader } from '../protocol/arguments';
import { CommandReader, SyntaxError, type ArgNode, type ParsedCommand, type ReaderEvent } from '../protocol/command-reader';
import { responseText } from '../protocol/response-writer';
import { MailStoreError, type MailStore } from '../mail-store';
import type { ImapLimits, ImapLogger, ImapServerOptions } from './imap-options';
import type { CommandSpec } from './command-spec';
import { bad, no, type AuthenticatedUser, type CommandResult, type SessionState } from './session-state';
import type { SelectedMailbox } from './selected-mailbox';
import { EXTENSION_CAPABILITIES } from './ext-capabilities';
import { condstoreEnabled, qresyncEnabled } from './condstore';
import { formatVanished } from '../ext/qresync';
import { rev2Enabled } from './imap4rev2';
import type { NotifyWatch } from './notify-watch';
import { startDeflate, type DeflateStream } from '../ext/compress';
import { metrics, startTimer } from '@mailstead/metrics';

export interface SessionServer {
  options: ImapServerOptions;
  limits: ImapLimits;
  commands: ReadonlyMap<string, CommandSpec>;
  secureContext: tls.SecureContext | undefined;
  logger: ImapLogger | undefined;
}

const BASE_CAPABILITIES = [
  'IMAP4rev1',
  // RFC 9051 Appendix A: both revisions; a session is rev2 once it sends ENABLE IMAP4rev2.
  'IMAP4rev2',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'STATUS=SIZE',
];

const NOOP = () => undefined;

function nodeBytes(nodes: ArgNode[]): number {
  let total = 0;
  for (const n of nodes) total += n.kind === 'string' ? n.value.length : n.kind === 'list' ? nodeBytes(n.items) : n.value.length;
  return total;
}

/** Bytes held by commands waiting to run. */
function queuedBytes(queue: ReaderEvent[]): number {
  let total = 0;
  for (const e of queue) if (e.type === 'command') total += nodeBytes(e.command.args);
  return total;
}

/** One client connection: reads commands, runs them one at a time, writes the replies. */
export class ImapSession {
  readonly id = randomBytes(6).toString('hex');
  state: SessionState = { kind: 'not-authenticated' };
  readonly remoteAddress: string;
  tlsActive: boolean;
  /** capabilities turned on with ENABLE (RFC 5161) */
  readonly enabled = new Set<string>();
  /** set by STARTTLS: upgrade once its tagged OK is out */
  startTlsRequested = false;
  /** set by COMPRESS: start DEFLATE once its tagged OK is out */
  compressRequested = false;
  private deflate: DeflateStream | undefined;
  /** called when the selected mailbox changes (IDLE pushes updates at once) */
  changeListener: (() => void) | undefined;
  /** what NOTIFY SET (RFC 5465) watches; undefined after NOTIFY NONE or before any NOTIFY */
  private notifyWatch: NotifyWatch | undefined;
  private notifyDue = false;
  private notifying: Promise<void> = Promise.resolve();

  private socket: net.Socket;
  private reader: CommandReader;
  private queue: ReaderEvent[] = [];
  private processing = false;
  private lineWaiter: ((line: string | null) => void) | undefined;
  private closed = false;
  private badCommands = 0;
  private unauthenticatedCommands = 0;
  private syncing: Promise<void> = Promise.resolve();
  private idling = false;

  constructor(
    socket: net.Socket,
    readonly server: SessionServer,
    implicitTls: boolean,
    private readonly onClose: (session: ImapSession) => void,
  ) {
    this.socket = socket;
    this.tlsActive = implicitTls;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.reader = this.newReader();
    this.attach(socket);
    socket.on('close', () => this.cleanup());
  }

  get store(): MailStore {
    return this.server.options.store;
  }

  get limits(): ImapLimits {
    return this.server.limits;
  }

  get log(): ImapLogger | undefined {
    return this.server.logger;
  }

  /** LOGIN/AUTHENTICATE allowed (libs/auth's one rule: TLS, trusted loopback, or insecure auth configured). */
  get canAuthenticate(): boolean {
    const { trustLoopback, insecureAuth } = this.server.options;
    return passwordsAllowed({ tls: this.tlsActive, remoteAddress: this.remoteAddress, trustLoopback, insecureAuth });
  }

  capabilities(): string[] {
    const caps = [...BASE_CAPABILITIES, ...EXTENSION_CAPABILITIES];
    if (this.state.kind === 'not-authenticated') {
      if (!this.tlsActive && this.server.secureContext) caps.push('STARTTLS');
      caps.push(this.canAuthenticate ? 'AUTH=PLAIN' : 'LOGINDISABLED');
    } else {
      caps.push(`APPENDLIMIT=${this.limits.maxLiteralSize}`);
    }
    return caps;
  }

  start(): void {
    this.socket.setTimeout(this.limits.loginTimeoutMs);
    this.writeNow(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${this.server.options.hostname} Mailstead IMAP ready\r\n`);
  }

  private newReader(): CommandReader {
    return new CommandReader({
      maxLineLength: this.limits.maxLineLength,
      maxLiteralSize: this.limits.maxLiteralSize,
      maxLiterals: 1000,
      maxNesting: this.limits.maxNesting,
      maxTagLength: 64,
    });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.log?.debug({ session: this.id, err: error.message }, 'imap socket error');
      socket.destroy();
    });
    socket.on('timeout', () => {
      const text = this.idling ? 'IDLE timed out' : this.state.kind === 'not-authenticated' ? 'Login timed out' : 'Autologout; idle for too long';
      this.bye(text);
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let events: ReaderEvent[];
    try {
      events = this.reader.push(chunk);
    } catch (error) {
      this.log?.warn({ session: this.id, err: String(error) }, 'imap reader failed');
      this.bye('Internal error');
      return;
    }
    for (const event of events) {
      if (event.type === 'continue') this.writeNow('+ Ready for literal data\r\n');
      else if (event.type === 'line' && this.lineWaiter) {
        const waiter = this.lineWaiter;
        this.lineWaiter = undefined;
        waiter(event.text);
      } else this.queue.push(event);
    }
    // Pipelined commands wait their turn; stop reading while too many (or too large ones) wait,
    // so a client cannot make us hold more than about two literals' worth of data.
    if (this.queue.length > 16 || queuedBytes(this.queue) > this.limits.maxLiteralSize) this.io.pause();
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closed) {
        const event = this.queue.shift();
        if (event) {
          await this.handleEvent(event);
          if (this.queue.length < 4 && queuedBytes(this.queue) < this.limits.maxLiteralSize && this.io.isPaused()) this.io.resume();
        } else if (this.notifyDue) {
          // NOTIFY: between commands is a safe place for unsolicited responses.
          await this.pushNotifications();
        } else break;
      }
    } catch (error) {
      this.log?.warn({ session: this.id, err: String(error) }, 'imap session failed');
      this.bye('Internal error');
    } finally {
      this.processing = false;
    }
  }

  private async handleEvent(event: ReaderEvent): Promise<void> {
    switch (event.type) {
      case 'command':
        await this.execute(event.command);
        return;
      case 'error': {
        if (event.fatal) {
          this.bye(event.code === 'too-big' ? 'Literal too big' : event.message);
          return;
        }
        const tag = event.tag ?? '*';
        if (event.code === 'too-big') await this.write(`${tag} NO [TOOBIG] ${event.message}\r\n`);
        else await this.write(`${tag} BAD ${responseText(event.message)}\r\n`);
        this.countBad();
        return;
      }
      case 'line':
        // A line nobody waits for (a stray "DONE"): treat as a bad command.
        await this.write('* BAD Unexpected continuation data\r\n');
        this.countBad();
        return;
      case 'continue':
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  private countBad(): void {
    this.badCommands++;
    if (this.badCommands >= this.limits.maxBadCommands) this.bye('Too many invalid commands');
  }

  private async execute(command: ParsedCommand): Promise<void> {
    const spec = this.server.commands.get(command.name);
    const elapsed = startTimer();
    // LOGIN/AUTHENTICATE arguments are never logged (STYLE.md: sensitive).
    this.log?.debug({ session: this.id, tag: command.tag, command: command.name }, 'imap command');
    if (this.state.kind === 'not-authenticated' && ++this.unauthenticatedCommands > this.limits.maxUnauthenticatedCommands) {
      this.bye('Too many commands before login');
      return;
    }
    let result: CommandResult;
    // One command's responses leave in as few TCP writes as possible (uncorked at the tagged
    // reply, before waiting for client input, and whenever the socket buffer fills).
    if (!this.io.writableCorked) this.io.cork();
    if (!spec) result = bad(`Unknown command ${command.name.slice(0, 30)}`);
    else if (!spec.states.includes(this.state.kind)) result = bad(`${spec.name} is not allowed in this state`);
    else {
      try {
        result = await spec.handler(this, new ArgReader(command.args), command);
      } catch (error) {
        result = this.failure(error);
      }
      if (this.state.kind === 'selected' && !this.closed && (this.state.mailbox.dirty || spec.alwaysSync)) {
        await this.sync(spec.allowsExpunge !== false).catch((e: unknown) => this.log?.warn({ session: this.id, err: String(e) }, 'imap sync failed'));
      }
    }
    if (this.closed) return;
    const code = result.code ? `[${result.code}] ` : '';
    await this.write(`${command.tag} ${result.status} ${code}${responseText(result.text)}\r\n`);
    this.uncork();
    const name = spec?.name ?? 'unknown';
    metrics.commands.inc({ protocol: 'imap', command: name, status: result.status });
    metrics.commandSeconds.observe({ protocol: 'imap', command: name }, elapsed());
    if (result.status === 'BAD') this.countBad();
    if (this.state.kind === 'logout') this.end();
    else if (this.startTlsRequested) this.upgradeTls();
    else if (this.compressRequested) this.startCompression();
    else if (this.state.kind !== 'not-authenticated') this.socket.setTimeout(this.limits.autologoutMs);
  }

  private failure(error: unknown): CommandResult {
    if (error instanceof SyntaxError) return bad(error.message);
    if (error instanceof MailStoreError) {
      switch (error.code) {
        case 'not_found':
          return no(error.message, 'NONEXISTENT');
        case 'exists':
          return no(error.message, 'ALREADYEXISTS');
        case 'over_quota':
          return no('Quota exceeded', 'OVERQUOTA');
        case 'invalid':
          return no(error.message, 'CANNOT');
        case 'conflict':
          return no(error.message, 'INUSE');
        default:
          return no(error.message);
      }
    }
    this.log?.warn({ session: this.id, err: error instanceof Error ? error.stack : String(error) }, 'imap command failed');
    return no('Internal error, try again later', 'SERVERBUG');
  }

  /** Writes now, without waiting for the socket to drain (short replies). */
  private writeNow(data: string | Buffer): void {
    if (this.closed || this.io.destroyed) return;
    this.io.write(data);
  }

  private uncork(): void {
    while (this.io.writableCorked) this.io.uncork();
  }

  /** Writes and waits while the socket's buffer is full, so large FETCHes stream. */
  async write(data: string | Buffer): Promise<void> {
    if (this.closed || this.io.destroyed) return;
    const io = this.io;
    if (!io.write(data)) {
      this.uncork();
      await new Promise<void>((resolve) => {
        const done = () => {
          io.off('drain', done);
          io.off('close', done);
          resolve();
        };
        io.on('drain', done);
        io.on('close', done);
      });
    }
  }

  untagged(text: string): Promise<void> {
    return this.write(`* ${text}\r\n`);
  }

  /** The next raw line from the client (AUTHENTICATE data, IDLE's DONE); null when the connection ends. */
  readLine(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    this.uncork();
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.reader.expectLine();
      if (this.io.isPaused()) this.io.resume();
    });
  }

  /** NOTIFY SET / NOTIFY NONE: replaces what the session watches. */
  setNotify(watch: NotifyWatch | undefined): void {
    this.notifyWatch?.stop();
    this.notifyWatch = watch;
    this.notifyDue = false;
  }

  /** NotifyWatch has something to say: at once while IDLE, else once no command is running. */
  requestNotifications(): void {
    this.notifyDue = true;
    if (this.idling) void this.pushNotifications();
    else void this.drain();
  }

  private pushNotifications(): Promise<void> {
    const run = this.notifying.then(async () => {
      if (!this.notifyDue || this.closed) return;
      this.notifyDue = false;
      await this.notifyWatch?.push();
    });
    this.notifying = run.catch((e: unknown) => this.log?.warn({ session: this.id, err: String(e) }, 'imap notify failed'));
    return this.notifying;
  }

  /** IDLE (RFC 2177): the idle timeout applies and changes are pushed while it lasts. */
  setIdling(idling: boolean): void {
    if (idling !== this.idling) metrics.imapIdle.inc(idling ? 1 : -1);
    this.idling = idling;
    this.socket.setTimeout(idling ? this.limits.idleTimeoutMs : this.limits.autologoutMs);
  }

  select(mailbox: SelectedMailbox, user: AuthenticatedUser): void {
    this.deselect();
    mailbox.unwatch = this.store.watch(mailbox.id, (modseq) => {
      // A change this session already knows (its own, see SelectedMailbox.noteOwnChange) needs no sync.
      if (modseq !== undefined && modseq <= mailbox.knownModseq) return;
      mailbox.dirty = true;
      this.changeListener?.();
    });
    this.state = { kind: 'selected', user, mailbox };
  }

  /** Leaves the selected state (CLOSE, UNSELECT, a new SELECT, failed SELECT). */
  deselect(): void {
    if (this.state.kind !== 'selected') return;
    this.state.mailbox.unwatch();
    this.state = { kind: 'authenticated', user: this.state.user };
  }

  /**
   * Brings this session's view of the selected mailbox up to date and tells the client:
   * EXPUNGE (only when allowed, RFC 3501 7.4.1), EXISTS/RECENT for new messages, FETCH FLAGS
   * for flags changed by other sessions. Runs one at a time.
   */
  sync(allowExpunge: boolean): Promise<void> {
    const run = this.syncing.then(() => this.syncNow(allowExpunge));
    this.syncing = run.catch(NOOP);
    return run;
  }

  private async syncNow(allowExpunge: boolean): Promise<void> {
    if (this.state.kind !== 'selected') return;
    const box = this.state.mailbox;
    box.dirty = false;
    let changes;
    try {
      // An IMAP4rev2 session claims no \Recent (RFC 9051 Appendix E 12).
      changes = await this.store.changesSince(box.id, box.knownModseq, box.readOnly || rev2Enabled(this) ? undefined : box.lastUid);
    } catch (error) {
      // The selected mailbox was deleted (or renamed away and deleted) by another session.
      if (error instanceof MailStoreError && error.code === 'not_found') {
        this.bye('Selected mailbox was deleted');
        return;
      }
      throw error;
    }
    if (this.state.kind !== 'selected' || this.state.mailbox !== box) return;
    const lines: string[] = [];
    for (const uid of changes.expunged) if (box.seqOf(uid) > 0) box.pendingExpunges.add(uid);
    if (allowExpunge && box.pendingExpunges.size > 0) {
      const vanished: number[] = [];
      for (const uid of [...box.pendingExpunges].sort((a, b) => a - b)) {
        const seq = box.remove(uid);
        if (seq > 0) vanished.push(uid);
        // RFC 7162 3.2.10.1: after ENABLE QRESYNC one VANISHED replaces the EXPUNGEs.
        if (seq > 0 && !qresyncEnabled(this)) lines.push(`${seq} EXPUNGE`);
      }
      const line = qresyncEnabled(this) ? formatVanished(vanished, false) : null;
      if (line) lines.push(line.slice(2));
      box.pendingExpunges.clear();
    }
    const lastUid = box.lastUid;
    let added = 0;
    const flagLines: string[] = [];
    for (const change of changes.changed) {
      if (change.uid > lastUid) {
        box.uids.push(change.uid);
        added++;
        continue;
      }
      if (box.ownModseqs.has(change.modseq)) continue;
      const seq = box.seqOf(change.uid);
      if (seq > 0 && !box.pendingExpunges.has(change.uid)) {
        const flags = [...change.flags, ...(box.recent.has(change.uid) ? ['\\Recent'] : [])];
        // RFC 7162 3.1.4: once CONDSTORE is on, unsolicited FETCHes carry MODSEQ.
        const modseq = condstoreEnabled(this) ? ` MODSEQ (${change.modseq})` : '';
        flagLines.push(`${seq} FETCH (UID ${change.uid} FLAGS (${flags.join(' ')})${modseq})`);
      }
    }
    // RFC 3501 7.2.6: keywords new to this session's FLAGS, announced before the EXISTS/FETCH that bring them.
    if (box.keywords.addAll(changes.changed.map((c) => c.flags))) lines.push(...box.keywords.responses(box.readOnly));
    // New messages are \Recent here only if no other session claimed them first (RFC 3501 2.3.2).
    if (added > 0) {
      if (changes.recentFrom !== undefined && changes.recentFrom !== null) box.recent.addRange(changes.recentFrom + 1, box.lastUid);
      lines.push(`${box.exists} EXISTS`);
      if (!rev2Enabled(this)) lines.push(`${box.recent.size} RECENT`);
    }
    lines.push(...flagLines);
    if (changes.highestModseq > box.knownModseq) box.knownModseq = changes.highestModseq;
    box.ownModseqs.clear();
    for (const line of lines) await this.untagged(line);
  }

  /** Where commands are read from and replies written to: the socket, or its DEFLATE wrapper. */
  private get io(): Duplex {
    return this.deflate ?? this.socket;
  }

  /** Whether COMPRESS DEFLATE is on (RFC 4978: at most once per connection). */
  get compressionActive(): boolean {
    return this.deflate !== undefined;
  }

  /**
   * COMPRESS=DEFLATE (RFC 4978 3): the tagged OK went out uncompressed; from here both
   * directions are raw DEFLATE. Timeouts stay on the socket; reads and writes move to the wrapper.
   */
  private startCompression(): void {
    this.compressRequested = false;
    const raw = this.socket;
    raw.removeAllListeners('data');
    const stream = startDeflate(raw);
    this.deflate = stream;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error) => {
      this.log?.debug({ session: this.id, err: error.message }, 'imap compression error');
      raw.destroy();
    });
  }

  private upgradeTls(): void {
    this.startTlsRequested = false;
    const context = this.server.secureContext;
    if (!context) return;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    // RFC 3501 6.2.1: whatever the client sent after STARTTLS, before the handshake, is discarded.
    this.queue = [];
    this.reader = this.newReader();
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
    this.socket = secure;
    this.tlsActive = true;
    this.attach(secure);
    secure.setTimeout(this.limits.loginTimeoutMs);
  }

  /** Untagged BYE, then close. */
  bye(text: string): void {
    if (this.closed) return;
    this.writeNow(`* BYE ${responseText(text)}\r\n`);
    this.end();
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.io.end();
    // Do not wait forever for a client that never reads.
    setTimeout(() => this.socket.destroy(), 5000).unref();
    this.cleanup();
  }

  private cleanup(): void {
    if (this.idling) metrics.imapIdle.dec();
    this.idling = false;
    this.closed = true;
    this.queue = [];
    if (this.state.kind === 'selected') this.state.mailbox.unwatch();
    this.notifyWatch?.stop();
    this.notifyWatch = undefined;
    this.changeListener = undefined;
    const waiter = this.lineWaiter;
    this.lineWaiter = undefined;
    waiter?.(null);
    this.onClose(this);
  }
}
