import type { CommandSpec, CompiledNode, ValidationContext } from '../spec';
import { COMPARATOR_TAG, INDEX_TAGS, MATCH_TAGS, constant, str } from '../spec';
import { checkMatch, isValidHeaderName } from './common';

export const DATE_PARTS = ['year', 'month', 'day', 'date', 'julian', 'hour', 'minute', 'second', 'time', 'iso8601', 'std11', 'zone', 'weekday'];

function checkDate(node: CompiledNode, ctx: ValidationContext): void {
  checkMatch(node, ctx);
  const part = str(node, 'part')!;
  const name = constant(part);
  if (name !== null && !DATE_PARTS.includes(name.toLowerCase())) ctx.error(part, `unknown date part "${name}"`);
  const zone = str(node, 'zone');
  const z = constant(zone);
  if (zone !== undefined && z !== null && !/^[+-]\d{4}$/.test(z)) ctx.error(zone, `invalid time zone "${z}": use +hhmm or -hhmm`);
  const header = str(node, 'header');
  const h = constant(header);
  if (header !== undefined && h !== null && !isValidHeaderName(h)) ctx.error(header, `invalid header name "${h}"`);
}

// RFC 5260 4, 5
export const dateSpecs: CommandSpec[] = [
  {
    name: 'date',
    kind: 'test',
    extension: 'date',
    tags: [{ name: 'zone', arg: 'string', group: 'zone' }, { name: 'originalzone', group: 'zone' }, COMPARATOR_TAG, ...MATCH_TAGS, ...INDEX_TAGS],
    positionals: [
      { name: 'header', type: 'string' },
      { name: 'part', type: 'string' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate: checkDate,
  },
  {
    name: 'currentdate',
    kind: 'test',
    extension: 'date',
    tags: [{ name: 'zone', arg: 'string' }, COMPARATOR_TAG, ...MATCH_TAGS],
    positionals: [
      { name: 'part', type: 'string' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate: checkDate,
  },
];
