import type { Pop3Command } from '../command';
import type { Pop3StateName } from '../session-state';
import { authCommand } from './auth.command';
import { capaCommand } from './capa.command';
import { deleCommand } from './dele.command';
import { listCommand } from './list.command';
import { noopCommand } from './noop.command';
import { passCommand } from './pass.command';
import { quitCommand } from './quit.command';
import { retrCommand } from './retr.command';
import { rsetCommand } from './rset.command';
import { statCommand } from './stat.command';
import { stlsCommand } from './stls.command';
import { topCommand } from './top.command';
import { uidlCommand } from './uidl.command';
import { userCommand } from './user.command';

/** Every command a state could accept; its handler may assume the state it declared. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is checked against its own states by defineCommand
type AnyCommand = Pop3Command<any>;

const COMMANDS: AnyCommand[] = [
  userCommand,
  passCommand,
  authCommand,
  stlsCommand,
  capaCommand,
  statCommand,
  listCommand,
  retrCommand,
  deleCommand,
  noopCommand,
  rsetCommand,
  topCommand,
  uidlCommand,
  quitCommand,
];

/** Keyword -> command. Building it fails at start-up when two commands claim one keyword. */
export const COMMAND_TABLE: ReadonlyMap<string, AnyCommand> = (() => {
  const table = new Map<string, AnyCommand>();
  for (const command of COMMANDS) {
    if (table.has(command.verb)) throw new Error(`two POP3 commands claim ${command.verb}`);
    table.set(command.verb, command);
  }
  return table;
})();

export function acceptsState(command: AnyCommand, state: Pop3StateName): boolean {
  return (command.states as readonly Pop3StateName[]).includes(state);
}
