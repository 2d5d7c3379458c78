/** Work bounds of one compile or run: each is a refusal (compile error or run-time error), never a hang. */
export interface SieveLimits {
  /** UTF-8 bytes of one script; a larger one is a compile error */
  maxScriptBytes: number;
  /** nesting of blocks and tests (if inside if, not inside anyof ...) */
  maxNesting: number;
  /** actions one run may produce (keep, fileinto, redirect, vacation, flags edits are not counted) */
  maxActions: number;
  /** redirect actions one run may produce */
  maxRedirects: number;
  /** nested includes (RFC 6609 3.2) */
  maxIncludeDepth: number;
  /** distinct scripts one run may include */
  maxIncludedScripts: number;
  /** interpreter steps (commands, tests, match comparisons) one run may take */
  maxSteps: number;
  /** characters of one variable value (RFC 5229 4: implementations may limit) */
  maxVariableLength: number;
  /** variables one run may set */
  maxVariables: number;
  /** header fields editheader may add in one run */
  maxHeaderEdits: number;
  /** vacation period bounds in seconds (RFC 5230 4.1 leaves them to the site) */
  vacationDefaultSeconds: number;
  vacationMinSeconds: number;
  vacationMaxSeconds: number;
  /** characters of the message body the body test looks at per part */
  maxBodyChars: number;
}

const DAY = 24 * 3600;

/** The defaults every compile and run uses unless the caller overrides some of them. */
export const sieveLimits: Readonly<SieveLimits> = Object.freeze({
  maxScriptBytes: 1024 * 1024,
  maxNesting: 32,
  maxActions: 32,
  maxRedirects: 4,
  maxIncludeDepth: 10,
  maxIncludedScripts: 32,
  maxSteps: 200_000,
  maxVariableLength: 4096,
  maxVariables: 255,
  maxHeaderEdits: 64,
  vacationDefaultSeconds: 7 * DAY,
  vacationMinSeconds: 0,
  vacationMaxSeconds: 90 * DAY,
  maxBodyChars: 1_000_000,
});

export function resolveLimits(overrides?: Partial<SieveLimits>): SieveLimits {
  return { ...sieveLimits, ...(overrides ?? {}) };
}
