import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { IMAP4REV2 } from '../server/imap4rev2';
import { ok } from '../server/session-state';

/**
 * Extensions ENABLE can turn on, by upper-cased name, with the spelling ENABLED answers in:
 * CONDSTORE and QRESYNC (RFC 7162 3.2.3: QRESYNC implies CONDSTORE), UTF8=ACCEPT (RFC 6855 3),
 * IMAP4rev2 (RFC 9051 Appendix A).
 */
export const ENABLEABLE = new Map<string, string>([
  ['CONDSTORE', 'CONDSTORE'],
  ['QRESYNC', 'QRESYNC'],
  ['UTF8=ACCEPT', 'UTF8=ACCEPT'],
  [IMAP4REV2.toUpperCase(), IMAP4REV2],
]);

/** ENABLE (RFC 5161): unknown capabilities are ignored; the untagged ENABLED lists what was turned on. */
export const enableCommand = {
  name: 'ENABLE',
  states: AUTHENTICATED,
  async handler(session, args) {
    const names: string[] = [];
    while (args.remaining > 0) names.push(args.atom('capability').toUpperCase());
    if (names.length === 0) args.atom('capability');
    const turnedOn: string[] = [];
    for (const n of names) {
      const name = ENABLEABLE.get(n);
      if (name === undefined || session.enabled.has(name)) continue;
      session.enabled.add(name);
      turnedOn.push(name);
    }
    await session.untagged(`ENABLED${turnedOn.map((n) => ` ${n}`).join('')}`);
    return ok('ENABLE completed');
  },
} satisfies CommandSpec;
