import { describe, expect, it } from 'vitest';
import { describeSieveOutcome } from './index';
import { message, run } from './test-support';

describe('describeSieveOutcome', () => {
  it('says what a run would do, one line per action', async () => {
    const m = message({ From: 'a@example.org', To: 'me@example.com', Subject: 'hi' });
    const r = await run('require ["fileinto", "copy", "imap4flags", "mailbox", "vacation"]; fileinto :copy :create :flags "\\\\Seen" "Archive"; redirect :copy "b@example.net"; vacation "away";', m);
    expect(describeSieveOutcome(r)).toEqual([
      'keep in INBOX',
      'copy into "Archive" with flags \\Seen (created if missing)',
      'send a copy to b@example.net',
      'vacation reply to sender@example.org: "Auto: hi"',
    ]);
    const failed = await run('redirect "a@example.net"; redirect "b@example.net"; redirect "c@example.net"; redirect "d@example.net"; redirect "e@example.net";', m);
    expect(describeSieveOutcome(failed)).toEqual(['error at line 1, column 105: more than 4 redirects', 'keep in INBOX']);
  });
});
