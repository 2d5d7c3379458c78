import { describe, expect, it } from 'vitest';
import { buildCommandTable, COMMANDS, REQUIRED_COMMANDS } from './command-table';

describe('IMAP command table', () => {
  it('has one handler for every required command', () => {
    const table = buildCommandTable();
    for (const name of REQUIRED_COMMANDS) expect(table.get(name)?.name).toBe(name);
  });

  it('refuses to start with a missing or a duplicate command', () => {
    expect(() => buildCommandTable(COMMANDS.filter((c) => c.name !== 'FETCH'))).toThrow(/without a handler: FETCH/);
    expect(() => buildCommandTable([...COMMANDS, COMMANDS[0]!])).toThrow(/registered twice/);
  });

  it('keeps FETCH, STORE and SEARCH from triggering EXPUNGE responses (RFC 3501 7.4.1)', () => {
    const table = buildCommandTable();
    for (const name of ['FETCH', 'UID FETCH', 'STORE', 'UID STORE', 'SEARCH', 'UID SEARCH']) expect(table.get(name)?.allowsExpunge).toBe(false);
    expect(table.get('NOOP')?.allowsExpunge).not.toBe(false);
  });
});
