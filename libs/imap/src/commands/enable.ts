import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

/** Extensions ENABLE can turn on (QRESYNC implies CONDSTORE, RFC 7162 3.2.3; UTF8=ACCEPT, RFC 6855 3). */
export const ENABLEABLE = new Set<string>(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT']);

/** ENABLE (RFC 5161): unknown capabilities are ignored; the untagged ENABLED lists what was turned on. */
export const enableCommand = {
  name: 'ENABLE',
  states: AUTHENTICATED,
  async handler(session, args) {
    const names: string[] = [];
    while (args.remaining > 0) names.push(args.atom('capability').toUpperCase());
    if (names.length === 0) args.atom('capability');
    const turnedOn = names.filter((n) => ENABLEABLE.has(n) && !session.enabled.has(n));
    for (const n of turnedOn) session.enabled.add(n);
    await session.untagged(`ENABLED${turnedOn.map((n) => ` ${n}`).join('')}`);
    return ok('ENABLE completed');
  },
} satisfies CommandSpec;
