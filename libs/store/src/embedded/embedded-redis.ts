import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ownerOfPidFile, realPath, stopProcess } from './owned-process';

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
      // the absolute path: a leftover server is recognised by its executable (stopStale)
      return candidate.includes('/') ? candidate : execFileSync('sh', ['-c', `command -v ${candidate}`]).toString().trim() || candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * The system redis-server as a child process, loopback only. It keeps an append-only file
 * (fsync every second, as the Docker compose file runs Redis), so web sessions, throttle
 * counters and queued jobs survive a restart.
 */
export class EmbeddedRedis {
  private child: ChildProcess | undefined;

  constructor(private readonly options: { dir: string; port: number; /** test servers keep nothing on disk */ durable?: boolean; log?: (line: string) => void; notice?: (line: string) => void; /** the server died on its own after starting: the caller restarts it */ onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void }) {}

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
    await this.stopStale(pidFile, binary);
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--pidfile', pidFile, '--save', '', ...(this.options.durable === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec']), '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning'],
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
      // the server answering must be the one just started, not a leftover still on the port
      const pid = await answeringPid(port);
      if (pid === child.pid) {
        child.once('exit', (code, signal) => {
          if (this.child === child) this.options.onUnexpectedExit?.(code, signal);
        });
        return;
      }
      if (pid !== null) throw new Error(`another redis-server (pid ${pid}) answers on port ${port}; stop it or set MAILSTEAD_REDIS_EMBEDDED_PORT`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer PING within 15 s:\n${output}`);
  }

  /**
   * A server a killed run left behind (its pid file says so, and /proc proves it is our
   * redis-server in our directory, started before the file was written): stopped, and waited for, so
   * the new one can bind. A pid file naming any other process is left alone.
   */
  private async stopStale(pidFile: string, binary: string): Promise<void> {
    const dir = realPath(this.options.dir);
    const executable = realPath(binary);
    // redis-server rewrites its command line, but runs its binary and works in --dir
    const owner = ownerOfPidFile(pidFile, (text) => Number(text.trim()), (p) => p.exe === executable && p.cwd === dir);
    if (!owner) return;
    (this.options.notice ?? this.options.log)?.(`embedded redis: stopping a leftover server (pid ${owner.pid})`);
    await stopProcess(owner.pid, 'SIGTERM', 10_000);
  }

  killNow(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined; // an exit from now on is asked for, not unexpected
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    this.child = undefined;
  }
}

/** The process_id of the redis-server answering on the port (INFO server), or null when none answers. */
function answeringPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid: number | null) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (match) done(Number(match[1]));
      else if (reply.startsWith('-')) done(null); // still loading, or refusing
    });
    socket.once('error', () => done(null));
    socket.once('timeout', () => done(null));
  });
}
