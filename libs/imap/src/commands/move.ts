import { SELECTED, type CommandSpec } from '../server/command-spec';
import { copyMessages } from './copy';

export const moveCommand = {
  name: 'MOVE',
  states: SELECTED,
  handler: (session, args) => copyMessages(session, args, false, true),
} satisfies CommandSpec;

export const uidMoveCommand = {
  name: 'UID MOVE',
  states: SELECTED,
  handler: (session, args) => copyMessages(session, args, true, true),
} satisfies CommandSpec;
