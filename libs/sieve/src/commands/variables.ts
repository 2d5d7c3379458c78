import type { CommandSpec } from '../spec';
import { COMPARATOR_TAG, MATCH_TAGS, constant, str } from '../spec';
import { checkMatch } from './common';

/** RFC 5229 3: identifier, with namespaces separated by "." */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const SET_MODIFIERS = ['lower', 'upper', 'lowerfirst', 'upperfirst', 'quotewildcard', 'length'] as const;

export const variablesSpecs: CommandSpec[] = [
  {
    name: 'set',
    kind: 'command',
    extension: 'variables',
    tags: SET_MODIFIERS.map((name) => ({ name })),
    positionals: [
      { name: 'name', type: 'string' },
      { name: 'value', type: 'string' },
    ],
    validate(node, ctx) {
      const s = str(node, 'name')!;
      const name = constant(s);
      if (name === null || !VARIABLE_NAME.test(name)) ctx.error(s, `invalid variable name "${s.text}"`);
      // RFC 5229 4.1: one of :lower/:upper, one of :lowerfirst/:upperfirst
      if (node.tags['lower'] && node.tags['upper']) ctx.error(node, 'set takes only one of :lower and :upper');
      if (node.tags['lowerfirst'] && node.tags['upperfirst']) ctx.error(node, 'set takes only one of :lowerfirst and :upperfirst');
    },
  },
  {
    name: 'string',
    kind: 'test',
    extension: 'variables',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [
      { name: 'source', type: 'stringlist' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate: checkMatch,
  },
];
