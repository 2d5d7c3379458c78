import type { CommandSpec } from '../server/command-spec';
import { appendCommand } from './append';
import { authenticateCommand } from './authenticate';
import { capabilityCommand } from './capability';
import { checkCommand } from './check';
import { closeCommand } from './close';
import { compressCommand } from './compress';
import { copyCommand, uidCopyCommand } from './copy';
import { createCommand } from './create';
import { deleteCommand } from './delete';
import { enableCommand } from './enable';
import { examineCommand } from './examine';
import { expungeCommand, uidExpungeCommand } from './expunge';
import { fetchCommand, uidFetchCommand } from './fetch';
import { getmetadataCommand } from './getmetadata';
import { getquotaCommand } from './getquota';
import { getquotarootCommand } from './getquotaroot';
import { idCommand } from './id';
import { idleCommand } from './idle';
import { listCommand } from './list';
import { loginCommand } from './login';
import { logoutCommand } from './logout';
import { lsubCommand } from './lsub';
import { moveCommand, uidMoveCommand } from './move';
import { namespaceCommand } from './namespace';
import { noopCommand } from './noop';
import { notifyCommand } from './notify';
import { renameCommand } from './rename';
import { searchCommand, uidSearchCommand } from './search';
import { selectCommand } from './select';
import { setmetadataCommand } from './setmetadata';
import { sortCommand, uidSortCommand } from './sort';
import { starttlsCommand } from './starttls';
import { statusCommand } from './status';
import { storeCommand, uidStoreCommand } from './store';
import { subscribeCommand } from './subscribe';
import { threadCommand, uidThreadCommand } from './thread';
import { unselectCommand } from './unselect';
import { unsubscribeCommand } from './unsubscribe';

/** Every command the server answers, by name. */
export const COMMANDS: readonly CommandSpec[] = [
  capabilityCommand, noopCommand, logoutCommand, starttlsCommand, loginCommand, authenticateCommand,
  selectCommand, examineCommand, createCommand, deleteCommand, renameCommand, subscribeCommand, unsubscribeCommand,
  listCommand, lsubCommand, statusCommand, appendCommand, checkCommand, closeCommand, unselectCommand,
  expungeCommand, uidExpungeCommand, searchCommand, uidSearchCommand, fetchCommand, uidFetchCommand,
  storeCommand, uidStoreCommand, copyCommand, uidCopyCommand, moveCommand, uidMoveCommand,
  idleCommand, namespaceCommand, idCommand, enableCommand,
  sortCommand, uidSortCommand, threadCommand, uidThreadCommand, getquotaCommand, getquotarootCommand,
  compressCommand, getmetadataCommand, setmetadataCommand, notifyCommand,
];

/** The commands every IMAP4rev1 server with our capabilities must answer; start-up fails if one is missing. */
export const REQUIRED_COMMANDS = [
  'CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'LOGIN', 'AUTHENTICATE', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME',
  'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'CHECK', 'CLOSE', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE',
  'COPY', 'UID FETCH', 'UID STORE', 'UID COPY', 'UID SEARCH', 'UID EXPUNGE', 'MOVE', 'UID MOVE', 'UNSELECT', 'IDLE',
  'NAMESPACE', 'ID', 'ENABLE',
] as const;

/** The lookup table; throws on a duplicate name or a required command without a handler. */
export function buildCommandTable(specs: readonly CommandSpec[] = COMMANDS): Map<string, CommandSpec> {
  const table = new Map<string, CommandSpec>();
  for (const spec of specs) {
    if (table.has(spec.name)) throw new Error(`IMAP command ${spec.name} is registered twice`);
    table.set(spec.name, spec);
  }
  const missing = REQUIRED_COMMANDS.filter((name) => !table.has(name));
  if (missing.length > 0) throw new Error(`IMAP commands without a handler: ${missing.join(', ')}`);
  return table;
}
