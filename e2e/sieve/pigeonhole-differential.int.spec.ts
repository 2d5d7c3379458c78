import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSieve } from '@mailstead/sieve';
import { BROKEN_SCRIPTS, DEFAULT_ENVELOPE, DEFAULT_MAILBOXES, PAIRS, type SievePair } from './corpus';
import { runMailstead } from './mailstead-sieve';
import type { NormalisedOutcome } from './normalised-outcome';
import { mapBounded, runPigeonhole, type PigeonholeCase, type PigeonholeResult } from './pigeonhole';

/**
 * Issue 20's differential test: every script x message pair of corpus.ts runs through Debian's
 * Pigeonhole (`sieve-test`, package dovecot-sieve) and through libs/sieve, and the normalised
 * outcomes (normalised-outcome.ts) must be equal. Pigeonhole runs two at a time.
 */
const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, `${name}.eml`));

function pigeonholeCase(pair: SievePair): PigeonholeCase {
  return {
    script: pair.script,
    before: pair.before,
    message: fixture(pair.message),
    envelope: { ...DEFAULT_ENVELOPE, ...pair.envelope },
    mailboxes: pair.mailboxes ?? DEFAULT_MAILBOXES,
    personal: pair.personal,
    global: pair.global,
    executeToo: pair.compareHeaders,
  };
}

/**
 * What is compared: a vacation that is not sent is no reply at all (libs/sieve leaves the
 * action out and says why in its log); header fields only for the editheader pairs.
 */
function comparable(outcome: NormalisedOutcome, pair: SievePair, headers?: string[]): NormalisedOutcome {
  const { headers: own, ...rest } = outcome;
  const result: NormalisedOutcome = { ...rest, vacation: outcome.vacation?.sent ? outcome.vacation : null };
  if (pair.compareHeaders) result.headers = headers ?? own;
  return result;
}

describe('Sieve: libs/sieve against Pigeonhole (sieve-test)', () => {
  const reference = new Map<string, PigeonholeResult>();
  const brokenReference = new Map<string, PigeonholeResult>();

  beforeAll(async () => {
    const results = await mapBounded(PAIRS, 2, (pair) => runPigeonhole(pigeonholeCase(pair)));
    results.forEach((result, index) => reference.set(PAIRS[index]?.name ?? '', result));
    const broken = await mapBounded(BROKEN_SCRIPTS, 2, (entry) =>
      runPigeonhole({ script: entry.script, message: fixture('plain'), envelope: DEFAULT_ENVELOPE, mailboxes: [] }),
    );
    broken.forEach((result, index) => brokenReference.set(BROKEN_SCRIPTS[index]?.name ?? '', result));
  }, 180_000);

  it('has at least 60 pairs with distinct names', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(PAIRS.map((pair) => pair.name)).size).toBe(PAIRS.length);
  });

  describe.each(PAIRS.map((pair) => [pair.name, pair] as const))('%s', (name, pair) => {
    it('Pigeonhole runs it and its output is fully understood', () => {
      const result = reference.get(name);
      expect(result?.compiled, result?.test.stderr).toBe(true);
      expect(result?.unparsed).toEqual([]);
      expect(result?.outcome).toBeDefined();
      if (pair.compareHeaders) expect(Object.keys(result?.storedHeaders ?? {}).length).toBeGreaterThan(0);
    });

    it('libs/sieve does the same', async () => {
      const theirs = reference.get(name);
      if (!theirs?.outcome) throw new Error(`no Pigeonhole outcome for ${name}: ${theirs?.test.stderr ?? ''}`);
      const testCase = pigeonholeCase(pair);
      const ours = await runMailstead(testCase, pair.environment);
      const storedHeaders = Object.values(theirs.storedHeaders)[0];
      const context = [
        `script:\n${pair.script}`,
        `libs/sieve outcome: ${JSON.stringify(ours.outcome)}`,
        `sieve-test:\n${theirs.test.stdout}${theirs.test.stderr}`,
      ].join('\n');
      expect(comparable(ours.normalised, pair), context).toEqual(comparable(theirs.outcome, pair, storedHeaders));
    });
  });

  describe.each(BROKEN_SCRIPTS.map((entry) => [entry.name, entry] as const))('compile error: %s', (name, entry) => {
    it('both refuse it', () => {
      const theirs = brokenReference.get(name);
      expect(theirs?.compiled).toBe(false);
      expect(theirs?.compileErrors.length).toBeGreaterThan(0);
      const ours = compileSieve(entry.script);
      expect(ours.ok).toBe(false);
      // Pigeonhole gives a line only; both name the same line for each of these scripts
      if (!ours.ok) expect(ours.errors[0]?.line).toBe(theirs?.compileErrors[0]?.line);
    });
  });
});
