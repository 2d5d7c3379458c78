import { describe, expect, it } from 'vitest';
import { CommandReader, SyntaxError, type ArgNode, type ReaderEvent } from '../protocol/command-reader';
import { BadEventError, parseNotify } from './notify';

/** The arguments of one NOTIFY command line, parsed by the real command reader. */
function args(line: string): ArgNode[] {
  const events: ReaderEvent[] = new CommandReader().push(Buffer.from(`t NOTIFY ${line}\r\n`));
  const command = events.find((e) => e.type === 'command');
  if (command?.type !== 'command') throw new Error(`not a command: ${JSON.stringify(events)}`);
  return command.command.args;
}

const upper = (name: string) => (name.toUpperCase() === 'INBOX' ? 'INBOX' : name);

describe('NOTIFY arguments (RFC 5465)', () => {
  it('NONE, SET with the STATUS indicator, every filter, NONE as events', () => {
    expect(parseNotify(args('NONE'), upper)).toBeNull();
    const spec = parseNotify(args('SET STATUS (selected (MessageNew MessageExpunge)) (SUBTREE (inbox "Lists") (MailboxName)) (MAILBOXES Work NONE) (personal (flagchange messagenew messageexpunge))'), upper)!;
    expect(spec.status).toBe(true);
    expect(spec.groups.map((g) => g.filter)).toEqual([
      { kind: 'selected', delayed: false },
      { kind: 'subtree', names: ['INBOX', 'Lists'] },
      { kind: 'mailboxes', names: ['Work'] },
      { kind: 'personal' },
    ]);
    expect(spec.groups.map((g) => [...g.events])).toEqual([['MessageNew', 'MessageExpunge'], ['MailboxName'], [], ['FlagChange', 'MessageNew', 'MessageExpunge']]);
  });

  it("MessageNew's fetch attributes are kept for replay, with BODY[...] and BINARY[...] turned into .PEEK", () => {
    const spec = parseNotify(args('SET (SELECTED-DELAYED (MessageNew (UID BODY[HEADER.FIELDS (FROM)] BINARY[1]<0.10>) MessageExpunge))'), upper)!;
    const group = spec.groups[0]!;
    expect(group.filter).toEqual({ kind: 'selected', delayed: true });
    const items = group.fetchAttributes?.kind === 'list' ? group.fetchAttributes.items : [];
    expect(items.map((i) => (i.kind === 'atom' ? i.value : i.kind))).toEqual(['UID', 'BODY.PEEK[HEADER.FIELDS (FROM)]', 'BINARY.PEEK[1]<0.10>']);
  });

  it('refuses what the RFC forbids with BAD, and events it does not know with BADEVENT', () => {
    for (const line of [
      'SET',
      'BOGUS',
      'NONE (SELECTED NONE)',
      'SET (SELECTED (MessageNew))',
      'SET (SELECTED (FlagChange))',
      'SET (SELECTED (MessageNew MessageExpunge MailboxName))',
      'SET (PERSONAL (MessageNew (UID) MessageExpunge))',
      'SET (SELECTED (MessageExpunge (UID) MessageNew))',
      'SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED (MessageNew MessageExpunge))',
      'SET (SUBTREE (MailboxName))',
      'SET (PERSONAL)',
      'SET (PERSONAL ())',
      'SET PERSONAL (MailboxName)',
    ]) {
      expect(() => parseNotify(args(line), upper), line).toThrow(SyntaxError);
    }
    expect(() => parseNotify(args('SET (PERSONAL (MailboxMetadataChange))'), upper)).toThrow(BadEventError);
    expect(() => parseNotify(args('SET (PERSONAL (XVendorThing))'), upper)).toThrow(BadEventError);
  });
});
