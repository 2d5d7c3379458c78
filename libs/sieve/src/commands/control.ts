import type { CommandSpec } from '../spec';
import { constant, list, str } from '../spec';
import { VARIABLE_NAME } from './variables';

export const controlSpecs: CommandSpec[] = [
  { name: 'require', kind: 'command', positionals: [{ name: 'capabilities', type: 'stringlist' }] },
  { name: 'if', kind: 'command', tests: 'one', block: true },
  { name: 'elsif', kind: 'command', tests: 'one', block: true },
  { name: 'else', kind: 'command', block: true },
  { name: 'stop', kind: 'command' },
  {
    // RFC 6609 3.2
    name: 'include',
    kind: 'command',
    extension: 'include',
    tags: [
      { name: 'personal', group: 'location' },
      { name: 'global', group: 'location' },
      { name: 'once' },
      { name: 'optional' },
    ],
    positionals: [{ name: 'script', type: 'string' }],
    validate(node, ctx) {
      const s = str(node, 'script')!;
      const name = constant(s);
      if (name === null) ctx.error(s, 'the included script name must be a constant string');
      else if (name === '' || /[/\0]/.test(name) || name.length > 255) ctx.error(s, `invalid script name "${name}"`);
    },
  },
  { name: 'return', kind: 'command', extension: 'include' },
  {
    // RFC 6609 3.3: needs variables too
    name: 'global',
    kind: 'command',
    extension: 'include',
    positionals: [{ name: 'names', type: 'stringlist' }],
    validate(node, ctx) {
      if (!ctx.required.has('variables')) ctx.error(node, 'the global command needs require "variables"');
      for (const s of list(node, 'names')!) {
        const name = constant(s);
        if (name === null || !VARIABLE_NAME.test(name)) ctx.error(s, `invalid variable name "${s.text}"`);
      }
    },
  },
];
