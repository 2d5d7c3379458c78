import type { CommandSpec } from '../spec';
import { constant, list } from '../spec';
import { checkAddressArg, isValidAddress } from './common';

// RFC 5230 4, RFC 6131 2
export const vacationSpecs: CommandSpec[] = [
  {
    name: 'vacation',
    kind: 'command',
    extension: 'vacation',
    action: true,
    tags: [
      { name: 'days', arg: 'number', group: 'period' },
      { name: 'seconds', arg: 'number', group: 'period', extension: 'vacation-seconds' },
      { name: 'subject', arg: 'string' },
      { name: 'from', arg: 'string' },
      { name: 'addresses', arg: 'stringlist' },
      { name: 'mime' },
      { name: 'handle', arg: 'string' },
    ],
    positionals: [{ name: 'reason', type: 'string' }],
    validate(node, ctx) {
      checkAddressArg(node, 'from', ctx, 'vacation :from address');
      for (const s of list(node, 'addresses') ?? []) {
        const value = constant(s);
        if (value !== null && !isValidAddress(value)) ctx.error(s, `vacation :addresses entry "${value}" is not a valid address`);
      }
    },
  },
];
