import { actionSpecs } from './commands/actions';
import { bodySpecs } from './commands/body';
import { controlSpecs } from './commands/control';
import { dateSpecs } from './commands/date';
import { editheaderSpecs } from './commands/editheader';
import { imap4flagsSpecs } from './commands/imap4flags';
import { miscSpecs } from './commands/misc';
import { testSpecs } from './commands/tests';
import { vacationSpecs } from './commands/vacation';
import { variablesSpecs } from './commands/variables';
import type { CommandSpec } from './spec';

/**
 * Every capability `require` accepts, in the order ManageSieve's CAPABILITY "SIEVE" line
 * lists them (RFC 5804 1.7). comparator-i;octet and comparator-i;ascii-casemap are always
 * available (RFC 5228 2.7.3) and accepted by require without being listed.
 */
export const SIEVE_EXTENSIONS: readonly string[] = Object.freeze([
  'fileinto',
  'reject',
  'ereject',
  'envelope',
  'encoded-character',
  'imap4flags',
  'copy',
  'body',
  'variables',
  'vacation',
  'vacation-seconds',
  'relational',
  'comparator-i;ascii-numeric',
  'subaddress',
  'date',
  'index',
  'mailbox',
  'include',
  'duplicate',
  'editheader',
  'spamtest',
  'spamtestplus',
  'virustest',
  'environment',
  'imapsieve',
]);

const ALWAYS = ['comparator-i;octet', 'comparator-i;ascii-casemap'];

/** Capabilities that bring another one with them. */
const IMPLIES: Record<string, string[]> = {
  'vacation-seconds': ['vacation'],
  spamtestplus: ['spamtest'],
  imapsieve: ['environment'],
};

export function isKnownCapability(name: string, enabled: readonly string[]): boolean {
  return ALWAYS.includes(name) || enabled.includes(name);
}

export function withImplied(required: Iterable<string>): Set<string> {
  const out = new Set<string>(ALWAYS);
  for (const r of required) {
    out.add(r);
    for (const i of IMPLIES[r] ?? []) out.add(i);
  }
  return out;
}

const ALL_SPECS: CommandSpec[] = [
  ...controlSpecs,
  ...actionSpecs,
  ...testSpecs,
  ...variablesSpecs,
  ...imap4flagsSpecs,
  ...vacationSpecs,
  ...bodySpecs,
  ...dateSpecs,
  ...miscSpecs,
  ...editheaderSpecs,
];

export const COMMAND_SPECS: ReadonlyMap<string, CommandSpec> = new Map(ALL_SPECS.filter((s) => s.kind === 'command').map((s) => [s.name, s]));
export const TEST_SPECS: ReadonlyMap<string, CommandSpec> = new Map(ALL_SPECS.filter((s) => s.kind === 'test').map((s) => [s.name, s]));
