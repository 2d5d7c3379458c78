import { describe, expect, it } from 'vitest';
import { acceptsState, COMMAND_TABLE } from './command-table';

describe('COMMAND_TABLE', () => {
  it('holds every RFC 1939 / 2449 / 2595 / 5034 command we serve, keyed by its verb', () => {
    expect([...COMMAND_TABLE.keys()].sort()).toEqual(
      ['AUTH', 'CAPA', 'DELE', 'LIST', 'NOOP', 'PASS', 'QUIT', 'RETR', 'RSET', 'STAT', 'STLS', 'TOP', 'UIDL', 'USER'].sort(),
    );
    for (const [verb, command] of COMMAND_TABLE) expect(command.verb).toBe(verb);
  });

  it('limits each command to its states (RFC 1939 3-6)', () => {
    const valid = (verb: string) => (['authorization', 'transaction', 'update'] as const).filter((s) => acceptsState(COMMAND_TABLE.get(verb)!, s));
    for (const verb of ['USER', 'PASS', 'AUTH', 'STLS']) expect(valid(verb)).toEqual(['authorization']);
    for (const verb of ['STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'TOP', 'UIDL']) expect(valid(verb)).toEqual(['transaction']);
    for (const verb of ['QUIT', 'CAPA']) expect(valid(verb)).toEqual(['authorization', 'transaction']);
  });

  it('marks credential-carrying commands sensitive so their arguments are never logged', () => {
    expect([...COMMAND_TABLE.values()].filter((c) => c.sensitive).map((c) => c.verb).sort()).toEqual(['AUTH', 'PASS']);
  });
});
