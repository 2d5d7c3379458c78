import type { DeliveryStep } from '../delivery-step';
import { countFields, splitMessage } from '../message/message-headers';
import { REPLIES } from '../smtp-reply';

/** RFC 5321 6.3: a message that went through more hops than this is looping. */
export const MAX_RECEIVED_HEADERS = 30;

export const loopDetectionStep: DeliveryStep = {
  name: 'loop-detection',
  sources: ['mx', 'submission', 'webmail'],
  async message(message) {
    return countFields(splitMessage(message.raw).header, 'received') > MAX_RECEIVED_HEADERS ? REPLIES.loop() : undefined;
  },
};
