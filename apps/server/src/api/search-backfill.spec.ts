import { describe, expect, it, vi } from 'vitest';
import type { FillScope } from '@mailstead/store';
import { SearchBackfill, type ScopeFiller } from './search-backfill';

type FillCall = { scope: FillScope; signal: AbortSignal | undefined; resolve(r: { filled: number; pending: boolean }): void; reject(e: unknown): void };

/** A fillScope whose calls stay open until the test settles them. */
function fakeIndex() {
  const calls: FillCall[] = [];
  const index: ScopeFiller = {
    fillScope: (scope, options) =>
      new Promise((resolve, reject) => {
        calls.push({ scope, signal: options?.signal, resolve, reject });
      }),
  };
  return { index, calls };
}

const logger = () => ({ info: vi.fn(), warn: vi.fn() });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SearchBackfill', () => {
  it('runs at most one fill per account; another account gets its own; a finished fill frees the account', async () => {
    const { index, calls } = fakeIndex();
    const log = logger();
    const backfill = new SearchBackfill(index, log);
    expect(backfill.start({ accountId: 1, mailboxId: 10 })).toBe(true);
    expect(backfill.start({ accountId: 1 })).toBe(false);
    expect(backfill.start({ accountId: 1, mailboxId: 11 })).toBe(false);
    expect(backfill.start({ accountId: 2 })).toBe(true);
    await settle();
    expect(calls.map((c) => c.scope)).toEqual([{ accountId: 1, mailboxId: 10 }, { accountId: 2 }]);
    expect(backfill.busy(1)).toBe(true);

    calls[0]!.resolve({ filled: 300, pending: false });
    await settle();
    expect(backfill.busy(1)).toBe(false);
    expect(backfill.busy(2)).toBe(true);
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ accountId: 1, filled: 300 }), expect.any(String));
    expect(backfill.start({ accountId: 1 })).toBe(true);
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('logs a failed fill (no unhandled rejection) and lets the account start again', async () => {
    const { index, calls } = fakeIndex();
    const log = logger();
    const backfill = new SearchBackfill(index, log);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      backfill.start({ accountId: 7 });
      await settle();
      calls[0]!.reject(new Error('connection lost'));
      await settle();
      await settle();
      expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ accountId: 7, err: expect.objectContaining({ message: 'connection lost' }) }), expect.any(String));
      expect(unhandled).not.toHaveBeenCalled();
      expect(backfill.busy(7)).toBe(false);
      expect(backfill.start({ accountId: 7 })).toBe(true);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a fill that throws synchronously is logged too', async () => {
    const log = logger();
    const backfill = new SearchBackfill({ fillScope: () => { throw new Error('boom'); } }, log);
    expect(backfill.start({ accountId: 3 })).toBe(true);
    await settle();
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(backfill.busy(3)).toBe(false);
  });

  it('stop() aborts the running fills, waits for them, and no fill starts afterwards', async () => {
    const { index, calls } = fakeIndex();
    const backfill = new SearchBackfill(index, logger());
    backfill.start({ accountId: 1 });
    backfill.start({ accountId: 2 });
    await settle();
    expect(calls.every((c) => c.signal?.aborted === false)).toBe(true);

    let stopped = false;
    const stopping = backfill.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(calls.every((c) => c.signal?.aborted === true)).toBe(true);
    expect(stopped).toBe(false);
    calls[0]!.resolve({ filled: 200, pending: true });
    await settle();
    expect(stopped).toBe(false);
    calls[1]!.resolve({ filled: 0, pending: true });
    await stopping;
    expect(stopped).toBe(true);
    expect(backfill.start({ accountId: 3 })).toBe(false);
    await settle();
    expect(calls).toHaveLength(2);
  });
});
