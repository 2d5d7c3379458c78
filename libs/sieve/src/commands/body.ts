import type { CommandSpec } from '../spec';
import { COMPARATOR_TAG, MATCH_TAGS } from '../spec';
import { checkMatch } from './common';

// RFC 5173
export const bodySpecs: CommandSpec[] = [
  {
    name: 'body',
    kind: 'test',
    extension: 'body',
    tags: [
      COMPARATOR_TAG,
      ...MATCH_TAGS,
      { name: 'raw', group: 'transform' },
      { name: 'content', arg: 'stringlist', group: 'transform' },
      { name: 'text', group: 'transform' },
    ],
    positionals: [{ name: 'keys', type: 'stringlist' }],
    validate: checkMatch,
  },
];
