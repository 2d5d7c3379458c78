import type { CommandSpec, CompiledNode, ValidationContext } from '../spec';
import { COMPARATOR_TAG, MATCH_TAGS, constant, list } from '../spec';
import { checkMatch } from './common';
import { VARIABLE_NAME } from './variables';

function checkVariable(node: CompiledNode, ctx: ValidationContext): void {
  const names = node.args['variable'] === undefined ? [] : (list(node, 'variable') ?? []);
  if (names.length > 0 && !ctx.required.has('variables')) ctx.error(node, `a variable name in ${node.name} needs require "variables"`);
  for (const s of names) {
    const name = constant(s);
    if (name === null || !VARIABLE_NAME.test(name)) ctx.error(s, `invalid variable name "${s.text}"`);
  }
}

const flagAction = (name: string): CommandSpec => ({
  name,
  kind: 'command',
  extension: 'imap4flags',
  positionals: [
    { name: 'variable', type: 'string', optional: true },
    { name: 'flags', type: 'stringlist' },
  ],
  validate: checkVariable,
});

// RFC 5232
export const imap4flagsSpecs: CommandSpec[] = [
  flagAction('setflag'),
  flagAction('addflag'),
  flagAction('removeflag'),
  {
    name: 'hasflag',
    kind: 'test',
    extension: 'imap4flags',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [
      { name: 'variable', type: 'stringlist', optional: true },
      { name: 'flags', type: 'stringlist' },
    ],
    validate(node, ctx) {
      checkMatch(node, ctx);
      checkVariable(node, ctx);
    },
  },
];

