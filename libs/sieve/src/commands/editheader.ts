import type { CommandSpec, CompiledNode, ValidationContext } from '../spec';
import { COMPARATOR_TAG, MATCH_TAGS, constant, str } from '../spec';
import { checkMatch, isValidHeaderName } from './common';

function checkName(node: CompiledNode, ctx: ValidationContext): void {
  const s = str(node, 'field')!;
  const name = constant(s);
  if (name !== null && !isValidHeaderName(name)) ctx.error(s, `invalid header name "${name}"`);
}

// RFC 5293 4, 5
export const editheaderSpecs: CommandSpec[] = [
  {
    name: 'addheader',
    kind: 'command',
    extension: 'editheader',
    tags: [{ name: 'last' }],
    positionals: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
    validate: checkName,
  },
  {
    name: 'deleteheader',
    kind: 'command',
    extension: 'editheader',
    tags: [{ name: 'index', arg: 'number' }, { name: 'last' }, COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [
      { name: 'field', type: 'string' },
      { name: 'patterns', type: 'stringlist', optional: true },
    ],
    validate(node, ctx) {
      checkName(node, ctx);
      checkMatch(node, ctx);
    },
  },
];
