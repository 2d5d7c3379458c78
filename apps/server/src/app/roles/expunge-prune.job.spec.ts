import { describe, expect, it, vi } from 'vitest';
import { pruneExpungedOnce } from './expunge-prune.job';

describe('pruneExpungedOnce', () => {
  it('prunes expunged rows older than the retention in days', async () => {
    const pruneExpunged = vi.fn().mockResolvedValue({ deleted: 3, mailboxes: 1 });
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const result = await pruneExpungedOnce({ imapSync: { pruneExpunged } } as never, 30, now);
    expect(result).toEqual({ deleted: 3, mailboxes: 1 });
    expect(pruneExpunged).toHaveBeenCalledWith(new Date(Date.UTC(2026, 10, 1, 12, 0, 0)));
  });
});
