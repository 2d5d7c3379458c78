import type { Position } from './lexer';

export type ArgType = 'string' | 'stringlist' | 'number';

export interface TagSpec {
  name: string;
  /** the value the tag takes, if any (`:comparator "i;octet"`) */
  arg?: ArgType;
  /** tags of one group exclude each other (match types, address parts, ...) */
  group?: string;
  /** capability one of which must be required for this tag */
  extension?: string | string[];
}

export interface PositionalSpec {
  name: string;
  type: ArgType;
  optional?: boolean;
}

/** A Sieve string after compile: encoded-character decoded, variables still to expand when `dynamic`. */
export interface SieveString extends Position {
  text: string;
  /** contains `${` and variables is required: expand at run time (RFC 5229 3) */
  dynamic: boolean;
}

export type Value = SieveString | SieveString[] | number;

export interface CompiledNode extends Position {
  name: string;
  /** tag name -> its value (true for a tag without one) */
  tags: Record<string, Value | true>;
  tagPositions: Record<string, Position>;
  /** positional arguments by their spec name; missing optional ones are absent */
  args: Record<string, Value>;
  tests: CompiledTest[];
}

export type CompiledTest = CompiledNode;

export interface CompiledCommand extends CompiledNode {
  block: CompiledCommand[] | null;
}

export interface ValidationContext {
  required: ReadonlySet<string>;
  error(at: Position, message: string): void;
  hasVariables: boolean;
}

export interface CommandSpec {
  name: string;
  kind: 'command' | 'test';
  /** capability one of which must be required to use it; none for the base language */
  extension?: string | string[];
  tags?: TagSpec[];
  positionals?: PositionalSpec[];
  /** commands: the test they take; tests: their sub-tests */
  tests?: 'none' | 'one' | 'list';
  block?: boolean;
  /** counts as an action for the action limit */
  action?: boolean;
  validate?(node: CompiledNode, ctx: ValidationContext): void;
}

export const COMPARATOR_TAG: TagSpec = { name: 'comparator', arg: 'string' };
export const MATCH_TAGS: TagSpec[] = [
  { name: 'is', group: 'match-type' },
  { name: 'contains', group: 'match-type' },
  { name: 'matches', group: 'match-type' },
  { name: 'value', arg: 'string', group: 'match-type', extension: 'relational' },
  { name: 'count', arg: 'string', group: 'match-type', extension: 'relational' },
];
export const ADDRESS_PART_TAGS: TagSpec[] = [
  { name: 'all', group: 'address-part' },
  { name: 'localpart', group: 'address-part' },
  { name: 'domain', group: 'address-part' },
  { name: 'user', group: 'address-part', extension: 'subaddress' },
  { name: 'detail', group: 'address-part', extension: 'subaddress' },
];
export const INDEX_TAGS: TagSpec[] = [
  { name: 'index', arg: 'number', extension: 'index' },
  { name: 'last', extension: 'index' },
];

function lookup(node: CompiledNode, name: string): Value | true | undefined {
  return Object.hasOwn(node.args, name) ? node.args[name] : Object.hasOwn(node.tags, name) ? node.tags[name] : undefined;
}

export function str(node: CompiledNode, name: string): SieveString | undefined {
  const v = lookup(node, name);
  return typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export function list(node: CompiledNode, name: string): SieveString[] | undefined {
  const v = lookup(node, name);
  if (v === undefined || v === true || typeof v === 'number') return undefined;
  return Array.isArray(v) ? v : [v];
}

export function num(node: CompiledNode, name: string): number | undefined {
  const v = lookup(node, name);
  return typeof v === 'number' ? v : undefined;
}

export function has(node: CompiledNode, tag: string): boolean {
  return node.tags[tag] !== undefined;
}

/** The constant text of a string, or null when it depends on variables. */
export function constant(s: SieveString | undefined): string | null {
  return s === undefined || s.dynamic ? null : s.text;
}
