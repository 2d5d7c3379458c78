import type { Store } from '@mailstead/store';
import type { DeliveryStep } from '../delivery-step';
import type { PipelineLogger } from '../delivery-pipeline';
import { processListBounceReport, type ListBouncePolicy } from '../lists/list-bounces';

/**
 * A delivery report (RFC 3464) sent to a list's bounce address counts a bounce for each failed
 * member; nothing is stored for that recipient. Runs after COMMIT, as counting is not part of
 * what the 250 promises.
 */
export function listBounceStep(store: Store, policy: ListBouncePolicy, logger: PipelineLogger): DeliveryStep {
  return {
    name: 'list-bounce',
    sources: ['mx', 'submission'],
    async committed(message) {
      for (const r of message.recipients) {
        const list = r.resolution.listBounce;
        if (!list) continue;
        try {
          await processListBounceReport(store, list, message.received, policy, logger);
        } catch (error) {
          logger.error({ session: message.envelope.client?.sessionId, err: error, list: list.address }, 'list bounce processing failed');
        }
      }
    },
  };
}
