import { describe, expect, it } from 'vitest';
import type { SieveAction, SieveOutcome } from '@mailstead/sieve';
import { planFor } from './sieve-rules.service';

const outcome = (...actions: SieveAction[]): SieveOutcome => ({ actions, headerEdits: null, duplicateRecords: [], error: null, log: [] });
const unread = { seen: false, answered: false, flagged: false, deleted: false, draft: false, keywords: [] as string[] };

describe('planFor: a script outcome applied to a message already in a folder', () => {
  it('a keep leaves it where it is, adding only flags it lacks (Sieve spellings folded to IMAP ones)', () => {
    expect(planFor(outcome({ type: 'keep', flags: ['\\seen', '$Work'] }), 'Projects', { ...unread, keywords: ['$Work'] })).toEqual({
      moveTo: null,
      copies: [],
      addFlags: ['\\Seen'],
      skipped: [],
      create: false,
    });
  });

  it('the first fileinto elsewhere moves it, the others copy it; a fileinto its own folder is a keep', () => {
    const moved = planFor(outcome({ type: 'fileinto', mailbox: 'A', flags: ['\\Flagged'], create: true, copy: false }, { type: 'fileinto', mailbox: 'B', flags: [], create: false, copy: true }), 'INBOX', unread);
    expect(moved).toEqual({ moveTo: 'A', create: true, copies: [{ mailbox: 'B', flags: [], create: false }], addFlags: ['\\Flagged'], skipped: [] });
    const stays = planFor(outcome({ type: 'fileinto', mailbox: 'INBOX', flags: [], create: false, copy: false }, { type: 'fileinto', mailbox: 'B', flags: [], create: false, copy: true }), 'INBOX', unread);
    expect(stays).toMatchObject({ moveTo: null, copies: [{ mailbox: 'B' }] });
  });

  it('forward, reject, vacation and discard are reported, never done, and the message stays', () => {
    const plan = planFor(
      outcome(
        { type: 'redirect', address: 'x@remote.test', copy: false },
        { type: 'reject', reason: 'no', extended: false },
        { type: 'discard' },
      ),
      'INBOX',
      unread,
    );
    expect(plan).toEqual({
      moveTo: null,
      copies: [],
      addFlags: [],
      create: false,
      skipped: ['Forward to x@remote.test (not done for existing mail)', 'Reject (not done for existing mail)', 'Discard (not done for existing mail)'],
    });
  });
});
