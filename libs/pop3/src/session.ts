import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { passwordsAllowed } from '@mailstead/auth';
import { acceptsState, COMMAND_TABLE } from './commands/command-table';
import type { CommandContext, Pop3Logger, Pop3Services } from './command';
import { LineReader, parseCommandLine, type ReadLine } from './line-reader';
import { errLine, okLine, type ResponseCode } from './responses';
import type { Pop3State } from './session-state';
import { dotStuff } from './wire';
import { metrics, startTimer } from '@mailstead/metrics';

export interface Pop3Limits {
  /** Longest command line, CRLF excluded. */
  maxLineLength: number;
  /** Bad commands (unknown, wrong state, wrong arguments, too long) before the connection is closed. */
  maxBadCommands: number;
  /** RFC 1939 3 autologout timer: at least 10 minutes in production. */
  idleTimeoutMs: number;
}

/** Command lines read ahead of the one being handled (PIPELINING) before reading pauses. */
const MAX_QUEUED_LINES = 64;

/**
 * One POP3 connection: reads command lines in order, dispatches them through the command
 * table (state and arity checked before a handler runs), writes the replies. Commands run one
 * at a time, so pipelined commands (RFC 2449 6.6) are answered in order.
 */
export class Pop3Session implements CommandContext {
  readonly id = randomBytes(6).toString('hex');
  readonly log: Pop3Logger;
  readonly remoteAddress: string;
  private io: net.Socket;
  private readonly reader: LineReader;
  private queue: ReadLine[] = [];
  private waiter: ((line: ReadLine | undefined) => void) | undefined;
  private closed = false;
  private ending = false;
  private badCommands = 0;
  private current: Pop3State = { name: 'authorization' };
  private tls: boolean;

  constructor(
    socket: net.Socket,
    readonly services: Pop3Services,
    private readonly limits: Pop3Limits,
    private readonly secureContext: tls.SecureContext | undefined,
    logger: Pop3Logger,
    implicitTls: boolean,
  ) {
    this.io = socket;
    this.tls = implicitTls;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    this.reader = new LineReader(limits.maxLineLength);
    const fields = { session: this.id, remote: this.remoteAddress };
    this.log = {
      info: (obj, msg) => logger.info({ ...fields, ...obj }, msg),
      warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
      debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    };
    this.attach(socket);
  }

  get state(): Pop3State {
    return this.current;
  }

  get tlsActive(): boolean {
    return this.tls;
  }

  get canStartTls(): boolean {
    return !this.tls && this.secureContext !== undefined;
  }

  get secured(): boolean {
    return passwordsAllowed({ tls: this.tls, remoteAddress: this.remoteAddress, trustLoopback: this.services.trustLoopback, insecureAuth: this.services.insecureAuth });
  }

  setState(state: Pop3State): void {
    this.current = state;
    // A login that completed after the client went away: give the maildrop back at once.
    if (this.closed && state.name === 'transaction') void state.lease.release().catch(() => undefined);
  }

  /** Greets and serves commands until the connection ends. */
  async run(): Promise<void> {
    this.log.info({ tls: this.tls }, 'pop3 connect');
    await this.ok(`${this.services.hostname} POP3 server ready`);
    while (!this.ending) {
      const item = await this.nextLine();
      if (!item) break;
      await this.dispatch(item);
    }
  }

  private markFinished: () => void = () => undefined;
  /** Settles once the connection is closed and its maildrop lock given back. */
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));

  /** Ends the connection without UPDATE (server shutdown): nothing marked is applied. */
  destroy(): Promise<void> {
    this.io.destroy();
    return this.finished;
  }

  private attach(io: net.Socket): void {
    io.setTimeout(this.limits.idleTimeoutMs);
    io.on('data', this.onData);
    io.on('timeout', this.onTimeout);
    io.on('error', this.onError);
    io.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ending) return;
    for (const line of this.reader.push(chunk)) this.queue.push(line);
    this.deliver();
    if (this.queue.length > MAX_QUEUED_LINES) this.io.pause();
  };

  /** RFC 1939 3: an idle session is closed without entering UPDATE. */
  private readonly onTimeout = (): void => {
    this.log.info({}, 'pop3 idle timeout');
    this.io.destroy();
  };

  private readonly onError = (error: Error): void => {
    this.log.debug({ err: error.message }, 'pop3 socket error');
    this.io.destroy();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    const state = this.current;
    // A dropped connection applies nothing (RFC 1939 6): the marks are forgotten, the lock given back.
    const released = state.name === 'transaction' ? state.lease.release().catch(() => undefined) : Promise.resolve();
    void released.then(this.markFinished);
    this.log.info({ state: state.name }, 'pop3 disconnect');
    this.deliver();
  };

  private deliver(): void {
    if (!this.waiter) return;
    if (this.queue.length > 0 || this.closed) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(this.closed ? undefined : this.take());
    }
  }

  private take(): ReadLine | undefined {
    const line = this.queue.shift();
    if (this.queue.length <= MAX_QUEUED_LINES && this.io.isPaused()) this.io.resume();
    return line;
  }

  private nextLine(): Promise<ReadLine | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.queue.length > 0) return Promise.resolve(this.take());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** The status of the reply the current command gave (for the commands metric). */
  private lastStatus: '+OK' | '-ERR' = '+OK';

  private async dispatch(item: ReadLine): Promise<void> {
    if (item.kind === 'too-long') return this.bad('Command line too long');
    const line = parseCommandLine(item.text);
    if (!line) return this.bad('Empty command');
    const command = COMMAND_TABLE.get(line.verb);
    this.log.debug({ verb: line.verb.slice(0, 20), args: command?.sensitive ? '[redacted]' : line.args.slice(0, 3) }, 'pop3 command');
    if (!command) return this.bad(`Unknown command ${line.verb.slice(0, 20)}`);
    if (!acceptsState(command, this.current.name)) return this.bad(`${line.verb} is not valid in the ${this.current.name.toUpperCase()} state`);
    if (line.args.length < command.args.min || line.args.length > command.args.max) {
      return this.bad(`Wrong number of arguments for ${line.verb}`);
    }
    const elapsed = startTimer();
    this.lastStatus = '+OK';
    try {
      await command.handle(this, this.current, line);
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : String(error), verb: line.verb }, 'pop3 command failed');
      await this.err('Internal error; try again later', 'SYS/TEMP');
    }
    metrics.commands.inc({ protocol: 'pop3', command: line.verb, status: this.lastStatus });
    metrics.commandSeconds.observe({ protocol: 'pop3', command: line.verb }, elapsed());
  }

  private async bad(text: string): Promise<void> {
    this.badCommands += 1;
    if (this.badCommands >= this.limits.maxBadCommands) {
      await this.write(`${errLine('Too many bad commands; closing connection')}\r\n`);
      this.end();
      return;
    }
    await this.write(`${errLine(text)}\r\n`);
  }

  syntaxError(text: string): Promise<void> {
    return this.bad(text);
  }

  ok(text: string): Promise<void> {
    return this.write(`${okLine(text)}\r\n`);
  }

  err(text: string, code?: ResponseCode): Promise<void> {
    this.lastStatus = '-ERR';
    return this.write(`${errLine(text, code)}\r\n`);
  }

  multiline(first: string, body: Buffer): Promise<void> {
    return this.write(Buffer.concat([Buffer.from(`${okLine(first)}\r\n`), dotStuff(body)]));
  }

  async continuation(challenge: string): Promise<string | undefined> {
    await this.write(`+ ${challenge}\r\n`);
    const next = await this.nextLine();
    return next?.kind === 'line' ? next.text : undefined;
  }

  async startTls(): Promise<void> {
    if (!this.secureContext || this.tls) return;
    const plain = this.io;
    plain.removeListener('data', this.onData);
    plain.removeListener('timeout', this.onTimeout);
    plain.setTimeout(0);
    if (plain.isPaused()) plain.resume();
    // RFC 2595 4 / CVE-2011-0411: nothing pipelined in the clear after STLS is acted on.
    this.queue = [];
    this.reader.reset();
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.io = secure;
    this.tls = true;
    this.attach(secure);
    await new Promise<void>((resolve) => {
      secure.once('secure', resolve);
      secure.once('close', resolve);
    });
    this.log.debug({}, 'pop3 tls started');
  }

  end(): void {
    this.ending = true;
    this.io.end();
  }

  private write(data: string | Buffer): Promise<void> {
    const io = this.io;
    if (this.closed || io.destroyed || io.writableEnded) return Promise.resolve();
    if (io.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
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
