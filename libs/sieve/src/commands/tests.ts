import type { CommandSpec } from '../spec';
import { ADDRESS_PART_TAGS, COMPARATOR_TAG, INDEX_TAGS, MATCH_TAGS, constant, list } from '../spec';
import { checkMatch, isValidHeaderName } from './common';

export const ENVELOPE_PARTS = ['from', 'to', 'auth'];

/** Headers that hold addresses (RFC 5228 5.1: address applies to them only); the list Pigeonhole allows, plus any X- field. */
export const ADDRESS_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'sender', 'resent-from', 'resent-to', 'reply-to', 'resent-reply-to', 'resent-sender', 'resent-cc',
  'resent-bcc', 'for-approval', 'for-handling', 'for-comment', 'apparently-to', 'errors-to', 'delivered-to', 'return-receipt-to',
  'read-receipt-to', 'return-receipt-requested', 'registered-mail-reply-requested-by', 'mail-followup-to', 'mail-reply-to',
  'abuse-reports-to', 'return-path', 'disposition-notification-to', 'original-from', 'original-recipient',
]);

export const testSpecs: CommandSpec[] = [
  {
    name: 'address',
    kind: 'test',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS, ...ADDRESS_PART_TAGS, ...INDEX_TAGS],
    positionals: [
      { name: 'headers', type: 'stringlist' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate(node, ctx) {
      checkMatch(node, ctx);
      for (const s of list(node, 'headers')!) {
        const name = constant(s);
        if (name !== null && !isValidHeaderName(name)) ctx.error(s, `invalid header name "${name}"`);
        else if (name !== null && !ADDRESS_HEADERS.has(name.toLowerCase()) && !name.toLowerCase().startsWith('x-'))
          ctx.error(s, `the address test does not apply to the ${name} header, which holds no addresses`);
      }
    },
  },
  {
    name: 'envelope',
    kind: 'test',
    extension: 'envelope',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS, ...ADDRESS_PART_TAGS],
    positionals: [
      { name: 'parts', type: 'stringlist' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate(node, ctx) {
      checkMatch(node, ctx);
      for (const s of list(node, 'parts')!) {
        const name = constant(s);
        if (name !== null && !ENVELOPE_PARTS.includes(name.toLowerCase())) ctx.error(s, `unknown envelope part "${name}"`);
      }
    },
  },
  {
    name: 'header',
    kind: 'test',
    tags: [COMPARATOR_TAG, ...MATCH_TAGS, ...INDEX_TAGS],
    positionals: [
      { name: 'headers', type: 'stringlist' },
      { name: 'keys', type: 'stringlist' },
    ],
    validate(node, ctx) {
      checkMatch(node, ctx);
      for (const s of list(node, 'headers')!) {
        const name = constant(s);
        if (name !== null && !isValidHeaderName(name)) ctx.error(s, `invalid header name "${name}"`);
      }
    },
  },
  {
    name: 'exists',
    kind: 'test',
    positionals: [{ name: 'headers', type: 'stringlist' }],
    validate(node, ctx) {
      for (const s of list(node, 'headers')!) {
        const name = constant(s);
        if (name !== null && !isValidHeaderName(name)) ctx.error(s, `invalid header name "${name}"`);
      }
    },
  },
  {
    name: 'size',
    kind: 'test',
    tags: [
      { name: 'over', group: 'size' },
      { name: 'under', group: 'size' },
    ],
    positionals: [{ name: 'limit', type: 'number' }],
    validate(node, ctx) {
      if (node.tags['over'] === undefined && node.tags['under'] === undefined) ctx.error(node, 'the size test needs :over or :under');
    },
  },
  { name: 'true', kind: 'test' },
  { name: 'false', kind: 'test' },
  { name: 'not', kind: 'test', tests: 'one' },
  { name: 'allof', kind: 'test', tests: 'list' },
  { name: 'anyof', kind: 'test', tests: 'list' },
];
