import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { envelope } from '../test-support/pipeline-fixtures';
import { freeSpace, storageSpaceStep } from './storage-space.step';

describe('storage-space step', () => {
  it('refuses MAIL FROM with 452 4.3.1 when the data directory has less free space than required, and accepts otherwise', async () => {
    const free = await freeSpace(os.tmpdir());
    expect(free).toBeGreaterThan(0);
    expect((await storageSpaceStep(os.tmpdir(), free * 2 + 1).sender!(envelope()))?.line).toBe('452 4.3.1 Insufficient system storage, try again later');
    expect(await storageSpaceStep(os.tmpdir(), 1).sender!(envelope())).toBeUndefined();
    expect(storageSpaceStep(os.tmpdir(), 1).sources).toEqual(['mx', 'submission', 'webmail']);
  });
});

describe('freeSpace', () => {
  it('measures the nearest existing directory when the data dir is not made yet', async () => {
    expect(await freeSpace(`${os.tmpdir()}/not-made-yet/deeper`)).toBe(await freeSpace(os.tmpdir()));
  });
});
