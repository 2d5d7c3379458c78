import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** Malformed extension commands get BAD or NO, and the session keeps working after each one. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer({ maxBadCommands: 1000 });
});

afterAll(async () => {
  await t?.close();
});

const MALFORMED = [
  'SELECT INBOX (CONDSTORE',
  'SELECT INBOX ()',
  'SELECT INBOX (FROB)',
  'SELECT INBOX (QRESYNC)',
  'SELECT INBOX (QRESYNC (1 0))',
  'SELECT INBOX (QRESYNC (1 2 3 4 5))',
  'SELECT INBOX (QRESYNC (1 2 1:* (1:* 1:*)))',
  'SELECT INBOX (QRESYNC (1 99999999999999999999))',
  'FETCH 1 (FLAGS) ()',
  'FETCH 1 (FLAGS) (CHANGEDSINCE)',
  'FETCH 1 (FLAGS) (CHANGEDSINCE 1 CHANGEDSINCE 2)',
  'FETCH 1 (BINARY[0])',
  'FETCH 1 (BINARY[1]<5>)',
  'FETCH 1 (BINARY.SIZE[])<0.1>',
  'FETCH 1 (PREVIEW (LAZY EAGER))',
  'FETCH 1 (EMAILID',
  'STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)',
  'STORE 1 (UNCHANGEDSINCE 1 2) +FLAGS (\\Seen)',
  'STORE 1 (FROB 1) +FLAGS (\\Seen)',
  'SEARCH RETURN',
  'SEARCH RETURN (MIN) ',
  'SEARCH RETURN ((MIN)) ALL',
  'SEARCH MODSEQ',
  'SEARCH MODSEQ -1',
  'SEARCH MODSEQ "/flags/\\\\seen"',
  'SEARCH OLDER',
  'SEARCH YOUNGER 99999999999999999999999',
  'SEARCH EMAILID',
  'SORT',
  'SORT ()',
  'SORT (DATE)',
  'SORT (DATE) UTF-8',
  'SORT DATE UTF-8 ALL',
  'SORT RETURN (SAVE) (DATE) UTF-8 ALL',
  'THREAD',
  'THREAD REFERENCES',
  'THREAD REFERENCES UTF-8',
  'THREAD (REFERENCES) UTF-8 ALL',
  'GETQUOTA',
  'GETQUOTAROOT',
  'GETQUOTA "" extra',
  'SETQUOTA "" (STORAGE 10)',
  'COMPRESS',
  'COMPRESS DEFLATE extra',
  'GETMETADATA',
  'GETMETADATA ""',
  'GETMETADATA "" ()',
  'GETMETADATA (MAXSIZE) "" /private/x',
  'GETMETADATA (DEPTH 5) "" /private/x',
  'SETMETADATA ""',
  'SETMETADATA "" ()',
  'SETMETADATA "" (/private/x)',
  'SETMETADATA "" (/private/x (nested))',
  'ENABLE',
  'UID FETCH 1:* (FLAGS) (VANISHED)',
  'APPEND INBOX UTF8 ()',
];

describe('bad input to the extension commands', () => {
  it('answers every malformed command with BAD or NO and stays usable', async () => {
    const box = await t.store.mailboxes.findByName(t.aliceId, 'INBOX');
    await t.store.messages.append(box!.id, [{ raw: sampleMessage(1) }]);
    const c = await RawImap.connect(t.port);
    await c.login();
    await c.command('s0', 'SELECT INBOX');
    for (const [i, line] of MALFORMED.entries()) {
      const r = await c.command(`x${i}`, line);
      expect(r, line).toMatch(new RegExp(`(^|\\r\\n)x${i} (BAD|NO) `));
      // Failed SELECTs leave no mailbox selected: select again so the next line is tested as meant.
      if (line.startsWith('SELECT')) await c.command(`r${i}`, 'SELECT INBOX');
      expect(await c.command(`n${i}`, 'NOOP'), line).toMatch(new RegExp(`n${i} OK`));
    }
    expect(c.closed).toBe(false);
    c.close();
  });
});
