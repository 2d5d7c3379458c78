import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@mailstead/testing';

/** `npm start` as a newcomer runs it: the checkout (or a copy of it), embedded Postgres and Redis. */
export const repositoryRoot = path.resolve(import.meta.dirname, '../..');

export interface StackRun {
  child: ChildProcess;
  output(): string;
  /** resolves with the signal or "exit <code>" once npm is gone */
  exited: Promise<string>;
}

export interface Health {
  status: string;
  roles: Record<string, { state: string }>;
}

/** The environment of one stack: its data dir, the first admin's address, a free port for everything. */
export async function stackEnv(dataDir: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, MAILSTEAD_DATA_DIR: dataDir, MAILSTEAD_ADMIN_ADDRESS: 'admin@start.test', ...extra };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.MAILSTEAD_ADMIN_PASSWORD;
  // bind(0) may hand out the same port twice in a row: keep them distinct
  const taken = new Set<number>();
  for (const name of ['HTTP', 'EMBEDDED_PG', 'EMBEDDED_REDIS', 'SMTP', 'SUBMISSION', 'SUBMISSIONS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'MANAGESIEVE']) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    env[`MAILSTEAD_${name}_PORT`] = String(port);
  }
  return env;
}

/** `npm start` in its own process group, as a terminal runs it, so SIGINT to the group is Ctrl-C. */
export function npmStart(env: NodeJS.ProcessEnv, cwd = repositoryRoot): StackRun {
  const child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  return { child, output: () => output, exited };
}

export async function waitForHealth(port: string, output: () => string, timeoutMs = 120_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return (await res.json()) as Health;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no healthy /api/health within ${timeoutMs / 1000} s; output:\n${output()}`);
}

export function runCli(env: NodeJS.ProcessEnv, args: string[], cwd = repositoryRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(cwd, 'bin/mailstead.mjs'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Alive and not a zombie (an orphan of a killed parent may wait to be reaped by init). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to npm's process group: npm, tsx and the node server die; embedded Postgres and Redis, in groups of their own, survive. */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}
