import type { CompiledNode, ValidationContext } from '../spec';
import { constant, str } from '../spec';

export const COMPARATORS = ['i;octet', 'i;ascii-casemap', 'i;ascii-numeric'] as const;
export type ComparatorName = (typeof COMPARATORS)[number];
export const RELATIONAL_OPS = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'] as const;
export type RelationalOp = (typeof RELATIONAL_OPS)[number];

/** RFC 5228 2.7.3 comparators and RFC 5231 relational operators, checked once at compile time. */
export function checkMatch(node: CompiledNode, ctx: ValidationContext): void {
  const comparator = str(node, 'comparator');
  if (comparator !== undefined) {
    const name = constant(comparator);
    if (name === null) ctx.error(comparator, 'the comparator name must be a constant string');
    else if (!(COMPARATORS as readonly string[]).includes(name.toLowerCase())) ctx.error(comparator, `unknown comparator "${name}"`);
    else if (name.toLowerCase() === 'i;ascii-numeric' && !ctx.required.has('comparator-i;ascii-numeric'))
      ctx.error(comparator, 'comparator "i;ascii-numeric" needs require "comparator-i;ascii-numeric"');
  }
  // RFC 4790 9.1: i;ascii-numeric has equality and ordering, no substring match
  if (constant(comparator)?.toLowerCase() === 'i;ascii-numeric') {
    for (const tag of ['contains', 'matches'] as const)
      if (node.tags[tag] !== undefined) ctx.error(node.tagPositions[tag]!, `comparator "i;ascii-numeric" does not support :${tag}`);
  }
  for (const tag of ['value', 'count'] as const) {
    const op = str(node, tag);
    if (op === undefined) continue;
    const name = constant(op);
    if (name === null || !(RELATIONAL_OPS as readonly string[]).includes(name.toLowerCase()))
      ctx.error(op, `:${tag} takes a relational operator: gt, ge, lt, le, eq or ne`);
  }
  if (node.tags['last'] !== undefined && node.tags['index'] === undefined) ctx.error(node.tagPositions['last']!, ':last needs :index');
  const index = node.tags['index'];
  if (typeof index === 'number' && index < 1) ctx.error(node.tagPositions['index']!, ':index must be 1 or more');
}

/** RFC 5322 addr-spec, as redirect and vacation's :from/:addresses need (RFC 5228 4.2). */
export function isValidAddress(value: string): boolean {
  const angle = /<([^<>]*)>\s*$/.exec(value);
  const spec = (angle ? angle[1]! : value).trim();
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) return false;
  const local = spec.slice(0, at);
  const domain = spec.slice(at + 1);
  const localOk = /^"(?:[^"\\\r\n]|\\.)*"$/.test(local) || /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local);
  const domainOk = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain) || /^\[[^\]\s]+\]$/.test(domain);
  return localOk && domainOk;
}

export function checkAddressArg(node: CompiledNode, name: string, ctx: ValidationContext, what: string): void {
  const s = str(node, name);
  const value = constant(s);
  if (s !== undefined && value !== null && !isValidAddress(value)) ctx.error(s, `${what} "${value}" is not a valid address`);
}

/** RFC 5228 2.4.2.4 / RFC 5435: header field names are printable ASCII without ':' or space. */
export function isValidHeaderName(name: string): boolean {
  return /^[\x21-\x39\x3b-\x7e]+$/.test(name);
}
