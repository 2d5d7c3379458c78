import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { passwordsAllowed } from '@mailstead/auth';
import type { Argument, CommandContext, ManageSieveLogger, ManageSieveServices } from './command';
import { CommandReader, MAX_NUMBER, type ReadItem, type Token } from './command-reader';
import { acceptsState, COMMAND_TABLE } from './commands/command-table';
import { dataLine, encodeString, statusResponse, type ResponseCode } from './responses';
import type { ManageSieveState } from './session-state';

export interface ManageSieveLimits {
  /** Octets of one command outside its literals. */
  maxLineLength: number;
  /** Octets of one literal (a script, a SASL response): the script size quota. */
  maxLiteralSize: number;
  /** Bad commands (unknown, wrong state, wrong arguments, malformed) before BYE. */
  maxBadCommands: number;
  idleTimeoutMs: number;
}

/** Commands read ahead of the one being handled before reading pauses. */
const MAX_QUEUED_ITEMS = 32;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One ManageSieve connection (RFC 5804): greets with the capabilities, reads commands in order,
 * dispatches them through the command table (state and arguments checked before a handler
 * runs) and writes the responses. One command runs at a time, so pipelined commands are
 * answered in order.
 */
export class ManageSieveSession implements CommandContext {
  readonly id = randomBytes(6).toString('hex');
  readonly log: ManageSieveLogger;
  readonly remoteAddress: string;
  private io: net.Socket;
  private readonly reader: CommandReader;
  private queue: ReadItem[] = [];
  private waiter: ((item: ReadItem | undefined) => void) | undefined;
  private closed = false;
  private ending = false;
  private badCommands = 0;
  private current: ManageSieveState = { name: 'non-authenticated' };
  private tls = false;
  private markFinished: () => void = () => undefined;
  /** Settles once the connection is closed. */
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));

  constructor(
    socket: net.Socket,
    readonly services: ManageSieveServices,
    private readonly limits: ManageSieveLimits,
    private readonly secureContext: tls.SecureContext | undefined,
    logger: ManageSieveLogger,
  ) {
    this.io = socket;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    this.reader = new CommandReader({ maxLineLength: limits.maxLineLength, maxLiteralSize: limits.maxLiteralSize });
    const fields = { session: this.id, remote: this.remoteAddress };
    this.log = {
      info: (obj, msg) => logger.info({ ...fields, ...obj }, msg),
      warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
      debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    };
    this.attach(socket);
  }

  get state(): ManageSieveState {
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

  setState(state: ManageSieveState): void {
    this.current = state;
  }

  /** Greets (RFC 5804 1.7: the capabilities, then OK) and serves commands until the connection ends. */
  async run(): Promise<void> {
    this.log.info({}, 'managesieve connect');
    await this.send(this.capabilities());
    await this.ok('Mailstead ManageSieve ready');
    while (!this.ending) {
      const item = await this.nextItem();
      if (!item) break;
      await this.dispatch(item);
    }
  }

  /** Ends the connection at once (server shutdown). */
  destroy(): Promise<void> {
    this.io.destroy();
    return this.finished;
  }

  capabilities(): Buffer {
    const { services } = this;
    const lines = [dataLine('IMPLEMENTATION', services.implementation), dataLine('SASL', this.secured ? 'PLAIN' : ''), dataLine('SIEVE', services.sieveExtensions.join(' '))];
    if (this.canStartTls) lines.push(dataLine('STARTTLS'));
    if (services.maxRedirects !== undefined) lines.push(dataLine('MAXREDIRECTS', String(services.maxRedirects)));
    if (this.current.name === 'authenticated') lines.push(dataLine('OWNER', this.current.address));
    lines.push(dataLine('UNAUTHENTICATE'), dataLine('VERSION', '1.0'));
    return Buffer.concat(lines);
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
    for (const item of this.reader.push(chunk)) this.queue.push(item);
    this.deliver();
    if (this.queue.length > MAX_QUEUED_ITEMS) this.io.pause();
  };

  private readonly onTimeout = (): void => {
    this.log.info({}, 'managesieve idle timeout');
    void this.write(statusResponse('BYE', undefined, 'Disconnected for inactivity')).then(() => this.io.destroy());
  };

  private readonly onError = (error: Error): void => {
    this.log.debug({ err: error.message }, 'managesieve socket error');
    this.io.destroy();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.log.info({ state: this.current.name }, 'managesieve disconnect');
    this.markFinished();
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

  private take(): ReadItem | undefined {
    const item = this.queue.shift();
    if (this.queue.length <= MAX_QUEUED_ITEMS && this.io.isPaused()) this.io.resume();
    return item;
  }

  private nextItem(): Promise<ReadItem | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.queue.length > 0) return Promise.resolve(this.take());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private async dispatch(item: ReadItem): Promise<void> {
    if (item.kind === 'error') {
      if (item.fatal) {
        await this.write(statusResponse('BYE', undefined, item.message));
        return this.end();
      }
      // A script over the size limit is a quota answer, not a client mistake (RFC 5804 2.6).
      if (item.tooLarge) return this.no(item.message, 'QUOTA/MAXSIZE');
      return this.bad(item.message);
    }
    const [first, ...rest] = item.tokens;
    if (first?.kind !== 'atom') return this.bad('Expected a command name');
    const name = first.text.toUpperCase();
    const command = COMMAND_TABLE.get(name);
    this.log.debug({ command: name.slice(0, 20), args: command?.sensitive ? '[redacted]' : rest.length }, 'managesieve command');
    if (!command) return this.bad(`Unknown command ${name.slice(0, 20)}`);
    if (!acceptsState(command, this.current.name)) {
      return this.bad(this.current.name === 'authenticated' ? `${name} is not allowed once authenticated` : `${name} needs authentication first`);
    }
    if (rest.length < command.required || rest.length > command.args.length) return this.bad(`Wrong number of arguments for ${name}`);
    const args: Argument[] = [];
    for (const [i, token] of rest.entries()) {
      const value = argument(token, command.args[i]!);
      if (typeof value === 'object') return this.bad(`${name}: ${value.problem}`);
      args.push(value);
    }
    try {
      await command.handle(this, this.current, args);
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : String(error), command: name }, 'managesieve command failed');
      await this.no('Internal error; try again later', 'TRYLATER');
    }
  }

  private async bad(text: string): Promise<void> {
    this.badCommands += 1;
    if (this.badCommands >= this.limits.maxBadCommands) {
      await this.write(statusResponse('BYE', undefined, 'Too many bad commands; closing connection'));
      return this.end();
    }
    await this.no(text);
  }

  syntaxError(text: string): Promise<void> {
    return this.bad(text);
  }

  ok(text?: string, code?: ResponseCode): Promise<void> {
    return this.write(statusResponse('OK', code, text));
  }

  no(text: string, code?: ResponseCode): Promise<void> {
    return this.write(statusResponse('NO', code, text));
  }

  send(data: Buffer): Promise<void> {
    return this.write(data);
  }

  async challenge(data: string): Promise<string | undefined> {
    const encoded = encodeString(Buffer.from(data).toString('base64'));
    await this.write(Buffer.concat([typeof encoded === 'string' ? Buffer.from(encoded) : encoded, Buffer.from('\r\n')]));
    const item = await this.nextItem();
    if (item?.kind !== 'command' || item.tokens.length !== 1 || item.tokens[0]!.kind !== 'string') return undefined;
    return item.tokens[0]!.bytes.toString('latin1');
  }

  async startTls(): Promise<void> {
    if (!this.secureContext || this.tls) return;
    const plain = this.io;
    plain.removeListener('data', this.onData);
    plain.removeListener('timeout', this.onTimeout);
    plain.setTimeout(0);
    if (plain.isPaused()) plain.resume();
    // Nothing pipelined in the clear after STARTTLS is acted on (the STARTTLS injection of CVE-2011-0411).
    this.queue = [];
    this.reader.reset();
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.io = secure;
    this.attach(secure);
    const established = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('close', () => resolve(false));
    });
    this.tls = established;
    this.log.debug({ established }, 'managesieve tls');
  }

  end(): void {
    this.ending = true;
    this.io.end();
  }

  private write(data: Buffer): Promise<void> {
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

/** A token as the argument kind a command takes; `{ problem }` when it is not one. */
function argument(token: Token, kind: 'string' | 'number'): Argument | { problem: string } {
  if (kind === 'number') {
    // RFC 5804 4: number = 1*DIGIT, at most 4,294,967,295.
    if (token.kind !== 'atom' || !/^\d{1,10}$/.test(token.text) || Number(token.text) > MAX_NUMBER) return { problem: 'expected a number' };
    return Number(token.text);
  }
  if (token.kind !== 'string') return { problem: 'expected a quoted string or a literal' };
  try {
    return UTF8.decode(token.bytes);
  } catch {
    return { problem: 'a string must be UTF-8' };
  }
}
