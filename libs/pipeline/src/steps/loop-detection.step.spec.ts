import { describe, expect, it } from 'vitest';
import { messageUnderCheck } from '../test-support/pipeline-fixtures';
import { loopDetectionStep, MAX_RECEIVED_HEADERS } from './loop-detection.step';

describe('loop-detection step (RFC 5321 6.3)', () => {
  const withHops = (n: number) => `${'Received: from a by b; Mon, 1 Jan 2026 00:00:00 +0000\r\n'.repeat(n)}Subject: hi\r\n\r\nReceived: in the body does not count\r\n`;

  it(`accepts ${MAX_RECEIVED_HEADERS} Received fields and refuses one more with 554 5.4.6`, async () => {
    expect(await loopDetectionStep.message!(messageUnderCheck(withHops(MAX_RECEIVED_HEADERS)))).toBeUndefined();
    expect((await loopDetectionStep.message!(messageUnderCheck(withHops(MAX_RECEIVED_HEADERS + 1))))?.line).toMatch(/^554 5\.4\.6 /);
  });
});
