import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class RedisNotInstalledError extends Error {
  constructor() {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or set REDIS_URL.');
    this.name = 'RedisNotInstalledError';
  }
}

export function findRedisServer(): string | undefined {
  for (const candidate of ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** The system redis-server as a child process, loopback only, no persistence to disk beyond AOF off. */
export class EmbeddedRedis {
  private child: ChildProcess | undefined;

  constructor(private readonly options: { dir: string; port: number; log?: (line: string) => void }) {}

  get url(): string {
    return `redis://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const binary = findRedisServer();
    if (!binary) throw new RedisNotInstalledError();
    const { dir, port } = this.options;
    fs.mkdirSync(dir, { recursive: true });
    const pidFile = path.join(dir, 'redis.pid');
    this.stopStale(pidFile);
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--pidfile', pidFile, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    this.child = child;
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.options.log?.(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}) while starting:\n${output}`);
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer PING within 15 s:\n${output}`);
  }

  private stopStale(pidFile: string): void {
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('redis-server')) {
        this.options.log?.(`embedded redis: stopping a leftover server (pid ${pid})`);
        process.kill(pid, 'SIGTERM');
      }
    } catch {
      // not running
    }
  }

  killNow(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    this.child = undefined;
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
