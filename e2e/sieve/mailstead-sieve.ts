import { compileSieve, runSieve, sieveMessage, type CompiledSieve, type SieveHost, type SieveOutcome } from '@mailstead/sieve';
import { headerFields, normaliseAddress, normaliseStores, type NormalisedOutcome, type NormalisedStore } from './normalised-outcome';
import { normaliseReason, type PigeonholeCase } from './pigeonhole';

/**
 * The libs/sieve side of the differential test: the same case as Pigeonhole gets, run with
 * compileSieve + runSieve and a host that answers as the Pigeonhole setup does (the case's
 * folders exist, includes come from its personal/global scripts, nothing was seen before).
 */
export interface MailsteadRun {
  outcome: SieveOutcome;
  normalised: NormalisedOutcome;
}

/** sieve-test reads `X-Spam-Score: <score>` out of 10; libs/sieve takes the same as a percentage. */
function spamPercent(message: Buffer): number | undefined {
  const match = /^X-Spam-Score:[ \t]*([0-9]+(?:\.[0-9]+)?)/im.exec(message.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '');
  return match ? Math.min(100, Number(match[1]) * 10) : undefined;
}

function compileOrThrow(source: string, label: string): CompiledSieve {
  const compiled = compileSieve(source);
  if (!compiled.ok) throw new Error(`libs/sieve refuses ${label}: ${JSON.stringify(compiled.errors)}`);
  return compiled.script;
}

export async function runMailstead(testCase: PigeonholeCase, environment?: Record<string, string>): Promise<MailsteadRun> {
  const scripts = [...(testCase.before ?? []).map((source, index) => compileOrThrow(source, `before script ${index}`)), compileOrThrow(testCase.script, 'the script')];
  const host: SieveHost = {
    include: (name, location) => Promise.resolve((location === 'personal' ? testCase.personal : testCase.global)?.[name] ?? null),
    duplicateSeen: () => Promise.resolve(false),
    mailboxExists: (name) => Promise.resolve(name.toUpperCase() === 'INBOX' || testCase.mailboxes.includes(name)),
  };
  const message = sieveMessage(testCase.message);
  const spamScore = spamPercent(testCase.message);
  const outcome = await runSieve(
    scripts,
    {
      message,
      envelope: { from: testCase.envelope.from, to: testCase.envelope.to },
      environment,
      ...(spamScore === undefined ? {} : { spamScore }),
      now: new Date(),
      userAddresses: [testCase.envelope.to],
    },
    host,
  );
  return { outcome, normalised: normaliseMailstead(outcome, testCase.message) };
}

export function normaliseMailstead(outcome: SieveOutcome, original: Buffer): NormalisedOutcome {
  if (outcome.error) return { error: true, stores: [{ mailbox: 'INBOX', flags: [] }], redirects: [], reject: null, vacation: null, duplicatesTracked: 0 };
  const stores: NormalisedStore[] = [];
  const redirects = new Set<string>();
  let reject: NormalisedOutcome['reject'] = null;
  let vacation: NormalisedOutcome['vacation'] = null;
  for (const action of outcome.actions) {
    switch (action.type) {
      case 'keep':
        stores.push({ mailbox: 'INBOX', flags: action.flags });
        break;
      case 'fileinto':
        stores.push({ mailbox: action.mailbox, flags: action.flags });
        break;
      case 'redirect':
        redirects.add(normaliseAddress(action.address));
        break;
      case 'discard':
        break;
      case 'reject':
        reject = { reason: action.reason };
        break;
      case 'vacation':
        vacation = { sent: true, seconds: action.seconds, subject: action.subject, reason: normaliseReason(action.reason) };
        break;
    }
  }
  const headers = outcome.headerEdits
    ? outcome.headerEdits.map((field) => `${field.name.trim().toLowerCase()}: ${field.value.trim().replace(/\s+/g, ' ')}`)
    : headerFields(original);
  return {
    error: false,
    stores: normaliseStores(stores),
    redirects: [...redirects].sort(),
    reject,
    vacation,
    duplicatesTracked: outcome.duplicateRecords.length,
    headers,
  };
}
