import { z } from 'zod';
import { flagName } from './flags';

/**
 * The webmail's mail rules: a structured view of the account's active Sieve script (RFC 5228).
 * The server turns rules into Sieve and back (apps/server/src/services/sieve-rules.ts); what it
 * does not recognise in a script stays as raw Sieve blocks in their place.
 */

const noControl = (s: string) => !/[\x00-\x1f\x7f]/.test(s);
const line = (max: number) => z.string().max(max).refine(noControl, 'must be one line without control characters');
/** Mailbox names as the webmail creates them (contracts' createMailboxRequest). */
const folder = z.string().trim().min(1).max(1000).refine(noControl, 'must not contain control characters');

export const ruleMatchType = z.enum(['is', 'contains', 'matches']);
export type RuleMatchType = z.infer<typeof ruleMatchType>;

const textCondition = {
  match: ruleMatchType,
  /** `not`: the condition holds when the test fails. */
  negate: z.boolean().default(false),
  value: line(1000),
};

export const ruleCondition = z.discriminatedUnion('field', [
  /** The From address. */
  z.object({ field: z.literal('from'), ...textCondition }),
  /** Any To or Cc address. */
  z.object({ field: z.literal('to'), ...textCondition }),
  z.object({ field: z.literal('subject'), ...textCondition }),
  z.object({ field: z.literal('listId'), ...textCondition }),
  z.object({
    field: z.literal('header'),
    header: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[!-9;-~]+$/, 'must be a header field name (letters, digits and punctuation other than ":")'),
    ...textCondition,
  }),
  /** Size over or under a number of kilobytes (Sieve's `size :over 100K`). */
  z.object({ field: z.literal('size'), comparison: z.enum(['over', 'under']), kilobytes: z.number().int().min(0).max(4_194_303) }),
  z.object({ field: z.literal('hasAttachment'), negate: z.boolean().default(false) }),
  /** RFC 5235 spamtest: the spam score scaled 1-10 is over `score`. */
  z.object({ field: z.literal('spamScore'), score: z.number().int().min(0).max(9) }),
]);
export type RuleCondition = z.infer<typeof ruleCondition>;

export const ruleAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('move'), mailbox: folder }),
  z.object({ type: z.literal('copy'), mailbox: folder }),
  z.object({ type: z.literal('markRead') }),
  z.object({ type: z.literal('flag') }),
  z.object({ type: z.literal('addKeyword'), keyword: flagName.refine((k) => !k.startsWith('\\'), 'must be a keyword, not a system flag') }),
  z.object({ type: z.literal('forward'), address: z.email('must be an email address').max(320), keepCopy: z.boolean().default(true) }),
  z.object({ type: z.literal('reject'), reason: z.string().min(1).max(4000) }),
  z.object({ type: z.literal('discard') }),
  z.object({ type: z.literal('stop') }),
]);
export type RuleAction = z.infer<typeof ruleAction>;

export const mailRule = z.object({
  name: line(200).pipe(z.string().trim().min(1, 'is required')),
  enabled: z.boolean().default(true),
  /** All conditions must hold, or any one. No conditions: every message. */
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(ruleCondition).max(30),
  actions: z.array(ruleAction).min(1, 'needs at least one action').max(30),
});
export type MailRule = z.infer<typeof mailRule>;

/** Part of the script the rules view does not understand, kept as it is (the raw tab edits it). */
export const rawSieveBlock = z.object({ sieve: z.string().max(1_000_000) });

/** The entries of the script in order: rules, and raw blocks kept where they were. */
export const ruleEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), rule: mailRule }),
  z.object({ kind: z.literal('raw'), ...rawSieveBlock.shape }),
]);
export type RuleEntry = z.infer<typeof ruleEntry>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');

/** The vacation auto-reply (RFC 5230), one recognisable block of the same script. */
export const vacationSettings = z
  .object({
    enabled: z.boolean(),
    subject: line(500).default(''),
    message: z.string().max(100_000),
    /** `message` is HTML (sent as text/html through `:mime`). */
    html: z.boolean().default(false),
    /** First and last day it answers (inclusive, the server's date), or null for no bound. */
    start: isoDate.nullable().default(null),
    end: isoDate.nullable().default(null),
    /** Other addresses of the account that mail may be sent to (`:addresses`). */
    addresses: z.array(z.email('must be an email address').max(320)).max(50).default([]),
    /** Days before the same sender is answered again. */
    days: z.number().int().min(1).max(365).default(7),
  })
  .refine((v) => !v.enabled || v.message.trim().length > 0, { path: ['message'], message: 'is required while the auto-reply is on' })
  .refine((v) => !v.start || !v.end || v.start <= v.end, { path: ['end'], message: 'must not be before the start date' });
export type VacationSettings = z.infer<typeof vacationSettings>;

/** GET /api/sieve/rules: the active script and what the rules view makes of it. */
export const ruleSetDto = z.object({
  /** The active script's name; "mailstead" (created on the first save) when there is none. */
  scriptName: z.string(),
  /** False until the first save when the account has no active script. */
  exists: z.boolean(),
  script: z.string(),
  entries: z.array(ruleEntry),
  vacation: vacationSettings.nullable(),
  /** The script does not compile (edited elsewhere, or an older interpreter): its errors. */
  errors: z.array(z.object({ line: z.number().int(), column: z.number().int(), message: z.string() })),
});
export type RuleSetDto = z.infer<typeof ruleSetDto>;

export const saveRulesRequest = z.object({ entries: z.array(ruleEntry).max(500) });
export const saveVacationRequest = z.object({ vacation: vacationSettings.nullable() });
export const saveScriptRequest = z.object({ script: z.string().max(1_000_000) });
export const previewRuleRequest = z.object({ rule: mailRule });
export const previewRuleResult = z.object({ sieve: z.string() });

/** A rule (or, without one, the saved script) over the newest messages of a folder. */
export const ruleTestRequest = z.object({
  mailboxId: z.number().int().positive(),
  limit: z.number().int().min(1).max(200).default(20),
  rule: mailRule.optional(),
});

/** What the script would do with one message, in words and as actions. */
export const ruleTestItem = z.object({
  messageId: z.string(),
  subject: z.string(),
  from: z.string(),
  date: z.string(),
  /** Sentences such as "Move to Lists", "Mark as read", "Keep in INBOX". */
  outcome: z.array(z.string()),
  /** The message would stay where it is, unchanged. */
  unchanged: z.boolean(),
  /** A run-time error of the script (the message would be kept in INBOX, RFC 5228 2.10.6). */
  error: z.string().nullable(),
});
export const ruleTestResult = z.object({ items: z.array(ruleTestItem) });
export type RuleTestItem = z.infer<typeof ruleTestItem>;

export const ruleApplyRequest = z.object({ mailboxId: z.number().int().positive(), rule: mailRule.optional() });

/** One "Apply to existing mail" run: its progress, what it changed, whether it was undone. */
export const ruleApplyRun = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'undoing', 'undone']),
  mailboxId: z.number().int(),
  total: z.number().int(),
  processed: z.number().int(),
  moved: z.number().int(),
  copied: z.number().int(),
  flagged: z.number().int(),
  /** Actions left out on existing mail (forward, reject, vacation, discard). */
  skipped: z.number().int(),
  error: z.string().nullable(),
});
export type RuleApplyRun = z.infer<typeof ruleApplyRun>;
