import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { selectMailbox } from './select';

export const examineCommand = {
  name: 'EXAMINE',
  states: AUTHENTICATED,
  handler: (session, args) => selectMailbox(session, args, true),
} satisfies CommandSpec;
