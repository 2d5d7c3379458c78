/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of a randomized test: MAILSTEAD_TEST_SEED when set (to replay a failure), else a
 * fresh one. Printed either way, so a failing run's output says how to replay it.
 */
export function testSeed(test: string): number {
  const given = process.env.MAILSTEAD_TEST_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${test}: seed ${seed} (replay with MAILSTEAD_TEST_SEED=${seed})`);
  return seed;
}
