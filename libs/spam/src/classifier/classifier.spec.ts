import { describe, expect, it } from 'vitest';
import { messageFeatures } from '../rules/message-features';
import { bayesSymbol, chi2Q, classify, tokenProbability, type ModelCounts, type TokenCounts } from './classifier';
import { messageTokens, tokenHash, tokensDigest } from './tokenizer';

function model(totals: TokenCounts, counts: Record<string, TokenCounts>): ModelCounts {
  return { totals, tokens: new Map(Object.entries(counts).map(([t, c]) => [tokenHash(t), c])) };
}
const hashes = (...tokens: string[]) => tokens.map(tokenHash);

describe('chi2Q', () => {
  it('matches the closed forms for 2 and 4 degrees of freedom', () => {
    expect(chi2Q(2, 2)).toBeCloseTo(Math.exp(-1), 10);
    expect(chi2Q(4, 4)).toBeCloseTo(Math.exp(-2) * (1 + 2), 10);
    expect(chi2Q(0, 10)).toBe(1);
  });
});

describe('tokenProbability', () => {
  it('is pulled toward 0.5 for a token seen once, and near the ratio for one seen often', () => {
    const totals = { spam: 100, ham: 100 };
    const once = tokenProbability({ spam: 1, ham: 0 }, totals);
    const often = tokenProbability({ spam: 90, ham: 0 }, totals);
    expect(once).toBeGreaterThan(0.5);
    expect(once).toBeLessThan(0.9);
    expect(often).toBeGreaterThan(0.99);
    expect(tokenProbability({ spam: 10, ham: 10 }, totals)).toBeCloseTo(0.5, 10);
  });

  it('accounts for unequal totals (the ratio of ratios, not of counts)', () => {
    // seen in 10 of 10 hams and 10 of 100 spams: a ham token despite equal counts
    expect(tokenProbability({ spam: 10, ham: 10 }, { spam: 100, ham: 10 })).toBeLessThan(0.2);
  });
});

describe('classify', () => {
  const m = model({ spam: 50, ham: 50 }, {
    viagra: { spam: 45, ham: 0 },
    winner: { spam: 40, ham: 2 },
    meeting: { spam: 1, ham: 40 },
    agenda: { spam: 0, ham: 30 },
    the: { spam: 50, ham: 50 },
  });

  it('spam tokens give a probability near 1, ham tokens near 0, neutral ones 0.5', () => {
    expect(classify(hashes('viagra', 'winner', 'the'), m).probability!).toBeGreaterThan(0.95);
    expect(classify(hashes('meeting', 'agenda', 'the'), m).probability!).toBeLessThan(0.05);
    expect(classify(hashes('the', 'unknown-token'), m)).toEqual({ probability: 0.5, clues: 0 });
  });

  it('mixed evidence lands in between', () => {
    const p = classify(hashes('viagra', 'agenda'), m).probability!;
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.8);
  });

  it('has no opinion before it learned enough of both classes', () => {
    expect(classify(hashes('viagra'), model({ spam: 50, ham: 4 }, { viagra: { spam: 45, ham: 0 } })).probability).toBeNull();
  });
});

describe('bayesSymbol', () => {
  it('scales with the probability and says nothing when unsure', () => {
    expect(bayesSymbol(null)).toBeNull();
    expect(bayesSymbol(0.55)).toBeNull();
    expect(bayesSymbol(1)).toEqual({ name: 'BAYES_SPAM', score: 5.5, detail: '1.0000' });
    expect(bayesSymbol(0.9)!.score).toBeCloseTo(3.52, 2);
    expect(bayesSymbol(0)).toEqual({ name: 'BAYES_HAM', score: -3, detail: '0.0000' });
    expect(bayesSymbol(0.99)!.score).toBeGreaterThan(bayesSymbol(0.9)!.score);
  });
});

describe('messageTokens', () => {
  it('takes decoded subject words, sender domains, body words and URL hosts, each once', () => {
    const raw = Buffer.from(
      'From: "Prize Desk" <desk@Lottery.example>\r\nReply-To: claim@payout.example\r\nSubject: =?utf-8?Q?You_won_=E2=82=AC1000?=\r\n' +
        'Content-Type: text/html\r\n\r\n<p>Claim your prize prize <a href="https://claim.secure.example/x">here</a> now</p>',
    );
    const tokens = messageTokens(messageFeatures(raw));
    expect(tokens).toEqual(expect.arrayContaining(['subject:won', 'subject:€1000', 'from:lottery.example', 'fromname:prize', 'replyto:payout.example', 'html-only', 'url:claim.secure.example', 'url:secure.example', 'claim', 'prize']));
    expect(tokens.filter((t) => t === 'prize')).toHaveLength(1);
    expect(tokens).not.toContain('p');
  });

  it('the digest depends on the token set, not its order', () => {
    expect(tokensDigest(hashes('a', 'b'))).toBe(tokensDigest(hashes('b', 'a')));
    expect(tokensDigest(hashes('a', 'b'))).not.toBe(tokensDigest(hashes('a', 'c')));
    expect(tokenHash('x')).not.toBe(0n);
  });
});
