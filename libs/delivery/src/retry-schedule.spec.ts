import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './retry-schedule';
import { enhancedStatus } from './smtp-reply';

describe('nextAttemptAt', () => {
  const schedule = [5, 10, 20].map((m) => m * 60_000);
  const created = new Date('2026-11-22T00:00:00Z');
  const day = 86_400_000;

  it('walks the schedule, repeats the last wait, and never goes past the expiry', () => {
    const now = new Date('2026-11-22T01:00:00Z');
    expect(nextAttemptAt(1, created, now, schedule, day)!.getTime() - now.getTime()).toBe(5 * 60_000);
    expect(nextAttemptAt(2, created, now, schedule, day)!.getTime() - now.getTime()).toBe(10 * 60_000);
    expect(nextAttemptAt(9, created, now, schedule, day)!.getTime() - now.getTime()).toBe(20 * 60_000);
    const late = new Date(created.getTime() + day - 60_000);
    expect(nextAttemptAt(9, created, late, schedule, day)!.getTime()).toBe(created.getTime() + day);
    expect(nextAttemptAt(9, created, new Date(created.getTime() + day), schedule, day)).toBeNull();
  });
});

describe('enhancedStatus', () => {
  it('reads the enhanced code of a reply or derives one from the basic code', () => {
    expect(enhancedStatus(550, '550 5.1.1 <x@y>: no such user')).toBe('5.1.1');
    expect(enhancedStatus(451, '451 try later')).toBe('4.0.0');
    expect(enhancedStatus(554, 'rejected')).toBe('5.0.0');
  });
});
