import { compileSieve, formatSieveError } from './compile';
import type { CompiledSieve } from './compile';
import { sieveMessage } from './message';
import type { SieveHost, SieveInput, SieveOutcome } from './outcome';
import { runSieve } from './run';

/** Spec helpers: compile or throw, a message from lines, an in-memory host. */
export function compiled(source: string): CompiledSieve {
  const r = compileSieve(source);
  if (!r.ok) throw new Error(r.errors.map(formatSieveError).join('\n'));
  return r.script;
}

export function message(header: Record<string, string | string[]>, body = 'Hello\r\n'): Buffer {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(header)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

export interface MemoryHost extends SieveHost {
  scripts: Map<string, string>;
  seen: Set<string>;
  mailboxes: Set<string>;
  includes: string[];
}

export function memoryHost(scripts: Record<string, string> = {}): MemoryHost {
  const host: MemoryHost = {
    scripts: new Map(Object.entries(scripts)),
    seen: new Set(),
    mailboxes: new Set(['INBOX']),
    includes: [],
    include: async (name, location) => {
      host.includes.push(`${location}:${name}`);
      return host.scripts.get(`${location}:${name}`) ?? null;
    },
    duplicateSeen: async (key) => host.seen.has(key),
    mailboxExists: async (name) => host.mailboxes.has(name),
  };
  return host;
}

export async function run(
  source: string | string[],
  raw: Buffer,
  options: Partial<Omit<SieveInput, 'message'>> = {},
  host: SieveHost = memoryHost(),
): Promise<SieveOutcome> {
  const scripts = (Array.isArray(source) ? source : [source]).map(compiled);
  return runSieve(scripts, { envelope: { from: 'sender@example.org', to: 'me@example.com' }, ...options, message: sieveMessage(raw) }, host);
}
