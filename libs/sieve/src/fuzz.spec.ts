import { describe, expect, it } from 'vitest';
import { compileSieve, runSieve, sieveMessage } from './index';
import { memoryHost, message } from './test-support';

// Scripts that touch every family; mutated below so the lexer, parser, validator and
// interpreter meet broken and odd input: each must answer, never throw.
const SEEDS = [
  'require ["fileinto", "imap4flags", "variables", "copy", "mailbox"];\nif header :matches "subject" "*[*]*" { set :upper "x" "${2}"; fileinto :copy :create :flags "\\\\Seen ${x}" "F.${1}"; }',
  'require ["vacation", "relational", "comparator-i;ascii-numeric"];\nif header :count "ge" :comparator "i;ascii-numeric" "received" "2" { vacation :days 2 :subject "x" text:\nline\n..dot\n.\n; }',
  'require ["editheader", "index", "date", "body", "envelope", "subaddress"];\nif date :zone "+0100" "date" "hour" "10" { addheader :last "X-A" "b"; } deleteheader :index 1 :last "X-A";\nif body :content "text" :contains "x" { discard; } elsif envelope :detail "to" "y" { keep; }',
  'require ["include", "variables", "duplicate", "spamtestplus", "environment", "reject", "encoded-character"];\nglobal "g"; include :optional :once "lib"; if duplicate :seconds 5 { reject "${hex:41}"; } if spamtest :percent :value "gt" :comparator "i;ascii-numeric" "50" { stop; } if environment "imap.cause" "COPY" { return; }',
];

function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const ALPHABET = ' \t\r\n"\\{}[]();,:#/*.0123456789KMGabcxyz${}';

function mutate(source: string, random: () => number): string {
  const chars = Array.from(source);
  const edits = 1 + Math.floor(random() * 2);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (chars.length + 1));
    const kind = random();
    if (kind < 0.4) chars.splice(at, 1);
    else if (kind < 0.9) chars.splice(at, 0, ALPHABET[Math.floor(random() * ALPHABET.length)]!);
    else chars.splice(at, chars.length);
  }
  return chars.join('');
}

describe('fuzz: mutated scripts', () => {
  it('compile to a result or errors with positions, and compiled ones run to an outcome', async () => {
    const random = prng(20);
    const raw = message({ From: 'a@example.org', To: 'me+y@example.com', Subject: 'a [b] c', Date: 'Tue, 1 Apr 1997 09:06:31 -0800', Received: ['x; Tue, 1 Apr 1997 09:06:31 -0800', 'y'] }, 'x body\r\n');
    const msg = sieveMessage(raw);
    let compiled = 0;
    for (let i = 0; i < 1500; i++) {
      const source = mutate(SEEDS[i % SEEDS.length]!, random);
      const r = compileSieve(source);
      if (!r.ok) {
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.message).not.toBe('');
        }
        continue;
      }
      compiled++;
      const host = memoryHost({ 'personal:lib': source });
      const outcome = await runSieve([r.script], { message: msg, envelope: { from: 'a@example.org', to: 'me+y@example.com' }, environment: { 'imap.cause': 'COPY' } }, host);
      expect(outcome.actions.length).toBeGreaterThan(0);
    }
    // the mutations leave enough scripts valid for the interpreter to be exercised too
    expect(compiled).toBeGreaterThan(100);
  });
});
