import type { CommandSpec } from '../spec';
import { COMPARATOR_TAG, MATCH_TAGS, constant, str } from '../spec';
import { checkMatch, isValidHeaderName } from './common';

export const miscSpecs: CommandSpec[] = [
  // RFC 5490 3.1
  { name: 'mailboxexists', kind: 'test', extension: 'mailbox', positionals: [{ name: 'mailboxes', type: 'stringlist' }] },
  {
    // RFC 7352 3
    name: 'duplicate',
    kind: 'test',
    extension: 'duplicate',
    tags: [
      { name: 'handle', arg: 'string' },
      { name: 'header', arg: 'string', group: 'unique' },
      { name: 'uniqueid', arg: 'string', group: 'unique' },
      { name: 'seconds', arg: 'number' },
      { name: 'last' },
    ],
    validate(node, ctx) {
      const header = str(node, 'header');
      const h = constant(header);
      if (header !== undefined && h !== null && !isValidHeaderName(h)) ctx.error(header, `invalid header name "${h}"`);
    },
  },
  {
    // RFC 5235 3.2, 3.3
    name: 'spamtest',
    kind: 'test',
    extension: ['spamtest', 'spamtestplus'],
    tags: [{ name: 'percent', extension: 'spamtestplus' }, COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [{ name: 'key', type: 'string' }],
    validate: checkMatch,
  },
  {
    name: 'virustest',
    kind: 'test',
    extension: 'virustest',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [{ name: 'key', type: 'string' }],
    validate: checkMatch,
  },
  {
    // RFC 5183 4
    name: 'environment',
    kind: 'test',
    extension: 'environment',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [
      { name: 'name', type: 'string' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate: checkMatch,
  },
];
