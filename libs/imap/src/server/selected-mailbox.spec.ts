import { describe, expect, it } from 'vitest';
import type { MailboxSummary } from '../mail-store';
import { SelectedMailbox } from './selected-mailbox';

const summary = { id: 1, name: 'INBOX' } as MailboxSummary;
const view = (uids: number[]) => new SelectedMailbox(summary, false, uids, 1n);
const range = (from: number, to: number) => [{ from, to }];

describe('SelectedMailbox.uidsForUidSet', () => {
  const box = view([2, 3, 5, 8, 9, 20]);

  it('one range: the UIDs of the view inside it, in either order, with * as the largest UID', () => {
    expect(box.uidsForUidSet(range(1, Infinity))).toEqual([2, 3, 5, 8, 9, 20]);
    expect(box.uidsForUidSet(range(3, 8))).toEqual([3, 5, 8]);
    expect(box.uidsForUidSet(range(8, 3))).toEqual([3, 5, 8]);
    expect(box.uidsForUidSet(range(4, 7))).toEqual([5]);
    expect(box.uidsForUidSet(range(10, 19))).toEqual([]);
    expect(box.uidsForUidSet(range(20, 20))).toEqual([20]);
    expect(box.uidsForUidSet(range(21, 4294967295))).toEqual([]);
    // RFC 3501 6.4.8: 30:* is 20:30 when 20 is the largest UID, so it names message 20.
    expect(box.uidsForUidSet(range(30, Infinity))).toEqual([20]);
    expect(view([]).uidsForUidSet(range(1, Infinity))).toEqual([]);
  });

  it('several ranges: each UID once, ascending', () => {
    expect(box.uidsForUidSet([{ from: 9, to: Infinity }, { from: 1, to: 3 }, { from: 2, to: 2 }])).toEqual([2, 3, 9, 20]);
  });
});
