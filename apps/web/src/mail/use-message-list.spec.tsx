import { describe, expect, it } from 'vitest';
import type { MessageSummaryDto } from '@mailstead/contracts';
import { messageSummary } from '../shared/test-utils';
import { mergeFirstPage } from './use-message-list';

const m = (id: number, extra: Partial<MessageSummaryDto> = {}): MessageSummaryDto =>
  messageSummary(id, { subject: `s${id}`, date: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(), seen: false, ...extra });

describe('mergeFirstPage (live updates over a list scrolled past its first page)', () => {
  const loaded = [10, 9, 8, 7, 6, 5, 4, 3].map((n) => m(n));

  it('puts new mail on top, takes the fresh state of known rows, drops rows gone from the page range, keeps older pages', () => {
    const page = [m(12), m(11), m(10, { seen: true }), m(8), m(7)];
    const merged = mergeFirstPage(loaded, page, false);
    expect(merged.map((x) => x.id)).toEqual(['12', '11', '10', '8', '7', '6', '5', '4', '3']);
    expect(merged.find((x) => x.id === '10')!.seen).toBe(true);
  });

  it('replaces the list when the page is all there is', () => {
    expect(mergeFirstPage(loaded, [m(12), m(3)], true).map((x) => x.id)).toEqual(['12', '3']);
  });
});
