import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom, testSeed } from './seeded-random';

afterEach(() => vi.unstubAllEnvs());

describe('seededRandom and testSeed', () => {
  it('replays the same sequence from the same seed', () => {
    const take = (r: () => number) => Array.from({ length: 5 }, r);
    expect(take(seededRandom(42))).toEqual(take(seededRandom(42)));
    expect(take(seededRandom(42))).not.toEqual(take(seededRandom(43)));
    expect(take(seededRandom(7)).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('takes MAILSTEAD_TEST_SEED when set, and prints the seed either way', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('MAILSTEAD_TEST_SEED', '3074657804');
    expect(testSeed('replayed')).toBe(3074657804);
    expect(log).toHaveBeenCalledWith('replayed: seed 3074657804 (replay with MAILSTEAD_TEST_SEED=3074657804)');
    vi.stubEnv('MAILSTEAD_TEST_SEED', '');
    const fresh = testSeed('fresh');
    expect(log).toHaveBeenLastCalledWith(`fresh: seed ${fresh} (replay with MAILSTEAD_TEST_SEED=${fresh})`);
    log.mockRestore();
  });
});
