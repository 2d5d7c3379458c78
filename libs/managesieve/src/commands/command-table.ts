import type { ManageSieveCommand } from '../command';
import type { ManageSieveStateName } from '../session-state';
import { authenticateCommand } from './authenticate.command';
import { capabilityCommand } from './capability.command';
import { checkscriptCommand } from './checkscript.command';
import { deletescriptCommand } from './deletescript.command';
import { getscriptCommand } from './getscript.command';
import { havespaceCommand } from './havespace.command';
import { listscriptsCommand } from './listscripts.command';
import { logoutCommand } from './logout.command';
import { noopCommand } from './noop.command';
import { putscriptCommand } from './putscript.command';
import { renamescriptCommand } from './renamescript.command';
import { setactiveCommand } from './setactive.command';
import { starttlsCommand } from './starttls.command';
import { unauthenticateCommand } from './unauthenticate.command';

/** Every command a state could accept; its handler may assume the state it declared. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is checked against its own states by defineCommand
type AnyCommand = ManageSieveCommand<any>;

const COMMANDS: AnyCommand[] = [
  authenticateCommand,
  starttlsCommand,
  capabilityCommand,
  logoutCommand,
  noopCommand,
  unauthenticateCommand,
  havespaceCommand,
  putscriptCommand,
  checkscriptCommand,
  listscriptsCommand,
  setactiveCommand,
  getscriptCommand,
  deletescriptCommand,
  renamescriptCommand,
];

/** Name -> command. Building it fails at start-up when two commands claim one name. */
export const COMMAND_TABLE: ReadonlyMap<string, AnyCommand> = (() => {
  const table = new Map<string, AnyCommand>();
  for (const command of COMMANDS) {
    if (table.has(command.name)) throw new Error(`two ManageSieve commands claim ${command.name}`);
    table.set(command.name, command);
  }
  return table;
})();

export function acceptsState(command: AnyCommand, state: ManageSieveStateName): boolean {
  return (command.states as readonly ManageSieveStateName[]).includes(state);
}
