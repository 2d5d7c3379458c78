import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SmtpDefence } from '@mailstead/pipeline';
import { redisUrl, runtimeConfig } from '@mailstead/testing';

/** A clock the test moves; the defence steps read it instead of Date.now. */
export class TestClock {
  now = Date.UTC(2026, 11, 4, 12, 0, 0);

  advance(ms: number): void {
    this.now += ms;
  }

  readonly read = () => this.now;
}

export const MINUTE = 60_000;

/**
 * The defence options as the smtp role builds them (runtime config through the real parser), with
 * `env` on top, the test's clock and DNS server, and Redis keys of this test's own.
 */
export async function defenceFor(env: Record<string, string>, options: { clock: TestClock; dnsPort?: number; redis: Redis }): Promise<SmtpDefence> {
  const config = await runtimeConfig(env);
  return {
    settings: config.smtpDefence,
    redis: options.redis,
    dnsServers: options.dnsPort ? [`127.0.0.1:${options.dnsPort}`] : config.delivery.dnsServers,
    clock: options.clock.read,
    keyPrefix: `test:${randomUUID()}`,
  };
}

export const testRedis = () => new Redis(redisUrl());

export interface SwaksResult {
  code: number;
  output: string;
}

/** Runs swaks (a real SMTP client); a 4xx/5xx makes it exit non-zero, the transcript says where. */
export function swaks(args: string[]): Promise<SwaksResult> {
  return new Promise((resolve) => {
    execFile('swaks', ['--timeout', '20', '--hide-informational', ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The server's replies in a swaks transcript ("<-" and "<**" lines), as "NNN text". */
export function replies(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /^\s*<(\*\*|-)\s/.test(l))
    .map((l) => l.replace(/^\s*<(\*\*|-)\s+/, '').trim());
}
