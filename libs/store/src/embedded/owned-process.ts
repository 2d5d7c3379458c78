import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** What /proc tells about a live process; null when there is no such process. */
export interface ProcessInfo {
  pid: number;
  /** when it started, ms since the epoch (to about a second: /proc/stat's btime is whole seconds) */
  startedAt: number;
  argv: string[];
  /** the real path of its executable and of its working directory ('' when not readable) */
  exe: string;
  cwd: string;
}

let clockTicks: number | undefined;
let bootTime: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function bootedAt(): number {
  if (bootTime === undefined) {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
    bootTime = Number(line?.split(/\s+/)[1] ?? 0) * 1000;
  }
  return bootTime;
}

export function processInfo(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null; // a zombie is gone, only not yet reaped
    const startTicks = Number(fields[19]); // field 22 of proc(5), starttime
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const link = (name: string) => {
      try {
        return fs.realpathSync(`/proc/${pid}/${name}`);
      } catch {
        return '';
      }
    };
    return { pid, startedAt: bootedAt() + (startTicks / ticksPerSecond()) * 1000, argv, exe: link('exe'), cwd: link('cwd') };
  } catch {
    return null;
  }
}

/**
 * The process a pid file names, only when it is provably the one that wrote it: alive, started
 * before the file was last written (a pid reused since is a later process), and matching
 * `isOurs` (its executable and working directory: both servers chdir to their data directory).
 * Anything else is somebody else's process, which must never get our signals.
 */
export function ownerOfPidFile(pidFile: string, readPid: (text: string) => number, isOurs: (process: ProcessInfo) => boolean): ProcessInfo | null {
  let text: string;
  let writtenAt: number;
  try {
    text = fs.readFileSync(pidFile, 'utf8');
    writtenAt = fs.statSync(pidFile).mtimeMs;
  } catch {
    return null;
  }
  const info = processInfo(readPid(text));
  if (!info || info.pid === process.pid) return null;
  // btime has whole seconds: allow that much
  if (info.startedAt > writtenAt + 1000) return null;
  return isOurs(info) ? info : null;
}

/** A path's real path, or the path itself when it does not exist. */
export function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Waits until the process is gone (polling /proc; it is not our child, so there is no exit event). */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processInfo(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Sends `signal`, waits up to `graceMs`, then SIGKILL and waits again: the process is gone on return. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  if (await waitForExit(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await waitForExit(pid, 5000))) throw new Error(`process ${pid} did not exit after SIGKILL`);
}
