import type { z } from 'zod';

/** What a person calls the request fields whose names are not words already. */
const LABELS: Record<string, string> = {
  quotaBytes: 'Quota',
  displayName: 'Name',
  currentPassword: 'Current password',
  newPassword: 'New password',
  q: 'Search',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  from: 'From',
  inReplyToId: 'The message replied to',
  requireTotp: 'Require two-factor sign-in',
  olderThanHours: 'Age',
  replyTo: 'Reply-To',
};

/** "quotaBytes" -> "Quota", "totpCode" -> "Totp code", to.2 -> "To (3rd entry)". */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (key === undefined) return 'The request';
  const words = LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  const last = path.at(-1);
  return typeof last === 'number' ? `${label} (${ordinal(last + 1)} entry)` : label;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

const KINDS: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', bigint: 'a number', date: 'a date' };

/** A value a sentence may quote: short text only (never a password: those fail with a custom message). */
const quoted = (input: unknown) => (typeof input === 'string' && input.length > 0 && input.length <= 80 ? `"${input}"` : null);

/**
 * One zod issue of a request body or query as a sentence a person understands ("Quota is too
 * large", "\"x\" is not a valid email address"), never zod's own text ("Too big: expected int
 * to be <=9007199254740991"). The API's field messages (`error.fields`) are these sentences.
 */
export function issueSentence(issue: z.core.$ZodIssue): string {
  const label = fieldLabel(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `${label} is required`;
      return `${label} must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_big':
      if (issue.origin === 'string') return `${label} is too long (at most ${issue.maximum} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${label} has too many entries (at most ${issue.maximum})`;
      // the implicit bound of z.int() (2^53 - 1) means nothing to a person
      if (Number(issue.maximum) >= Number.MAX_SAFE_INTEGER) return `${label} is too large`;
      return `${label} must be at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? `${label} must not be empty` : `${label} is too short (at least ${issue.minimum} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') return Number(issue.minimum) <= 1 ? `${label} needs at least one entry` : `${label} needs at least ${issue.minimum} entries`;
      if (Number(issue.minimum) <= Number.MIN_SAFE_INTEGER) return `${label} is too small`;
      return `${label} must be at least ${issue.minimum}`;
    case 'invalid_format': {
      const what = issue.format === 'email' ? 'a valid email address' : issue.format === 'url' ? 'a valid URL' : 'in the expected format';
      const value = quoted(input);
      return value ? `${value} is not ${what}` : `${label} is not ${what}`;
    }
    case 'invalid_value':
      return `${label} must be ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`}`;
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? `"${issue.keys[0]}" is not a field` : `${issue.keys.map((k) => `"${k}"`).join(', ')} are not fields`} of this request`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${issue.divisor}`;
    case 'custom':
      return customSentence(label, issue.message);
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return `${label} is not valid`;
  }
}

/** A refinement's own message: a fragment ("must not contain ...") gets the field's name in front. */
function customSentence(label: string, message: string): string {
  if (/^(must|is|are|cannot|can't|should|needs?|has) /.test(message)) return `${label} ${message}`;
  return asSentence(message);
}

/** The issues of a failed parse, one list of sentences per field path ("" for the whole request: "_"). */
export function fieldMessages(issues: readonly z.core.$ZodIssue[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    const sentence = issueSentence(issue);
    if (!(fields[key] ??= []).includes(sentence)) fields[key]!.push(sentence);
  }
  return fields;
}

/** A service's or the store's message as the API answers it: starting with a capital ("Account x already exists"). */
export const asSentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);
