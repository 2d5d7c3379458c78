import type { CommandSpec } from '../spec';
import { constant, str } from '../spec';
import { checkAddressArg } from './common';

const FLAGS_TAG = { name: 'flags', arg: 'stringlist', extension: 'imap4flags' } as const;

export const actionSpecs: CommandSpec[] = [
  { name: 'keep', kind: 'command', action: true, tags: [FLAGS_TAG] },
  { name: 'discard', kind: 'command', action: true },
  {
    name: 'redirect',
    kind: 'command',
    action: true,
    tags: [{ name: 'copy', extension: 'copy' }],
    positionals: [{ name: 'address', type: 'string' }],
    validate(node, ctx) {
      checkAddressArg(node, 'address', ctx, 'redirect address');
    },
  },
  {
    name: 'fileinto',
    kind: 'command',
    extension: 'fileinto',
    action: true,
    tags: [{ name: 'copy', extension: 'copy' }, FLAGS_TAG, { name: 'create', extension: 'mailbox' }],
    positionals: [{ name: 'mailbox', type: 'string' }],
    validate(node, ctx) {
      const s = str(node, 'mailbox')!;
      if (constant(s) === '') ctx.error(s, 'the mailbox name is empty');
    },
  },
  { name: 'reject', kind: 'command', extension: 'reject', action: true, positionals: [{ name: 'reason', type: 'string' }] },
  { name: 'ereject', kind: 'command', extension: 'ereject', action: true, positionals: [{ name: 'reason', type: 'string' }] },
];
