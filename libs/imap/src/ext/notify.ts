import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { parseFetchItems } from '../protocol/fetch-items';

/**
 * NOTIFY (RFC 5465) arguments, parsed and checked without a session:
 *
 *   notify        = "NOTIFY" SP (notify-set / "NONE")
 *   notify-set    = "SET" [SP status-indicator] SP event-groups
 *   event-group   = "(" filter-mailboxes SP events ")"
 *   filter-mailboxes = "SELECTED" / "SELECTED-DELAYED" / "INBOXES" / "PERSONAL" / "SUBSCRIBED"
 *                 / ("SUBTREE" SP one-or-more-mailbox) / ("MAILBOXES" SP one-or-more-mailbox)
 *   events        = ( "(" event *(SP event) ")" ) / "NONE"
 *   event         = "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"] / "MessageExpunge" / ...
 */

export const SUPPORTED_EVENTS = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange'] as const;
export type NotifyEvent = (typeof SUPPORTED_EVENTS)[number];

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange']);

export type NotifyFilter =
  | { kind: 'selected'; delayed: boolean }
  | { kind: 'inboxes' }
  | { kind: 'personal' }
  | { kind: 'subscribed' }
  /** `names` as the client sent them, decoded by the caller's `decodeName` */
  | { kind: 'subtree'; names: string[] }
  | { kind: 'mailboxes'; names: string[] };

export interface NotifyGroup {
  filter: NotifyFilter;
  /** empty for `NONE`: nothing from these mailboxes */
  events: ReadonlySet<NotifyEvent>;
  /** MessageNew's fetch attributes (SELECTED only), as the list node to replay as a UID FETCH */
  fetchAttributes?: ArgNode;
}

export interface NotifySpec {
  /** STATUS indicator (RFC 5465 3.1): report the non-selected mailboxes' state at once */
  status: boolean;
  groups: NotifyGroup[];
}

/** An event this server does not support: `NO [BADEVENT (...)]` (RFC 5465 8). */
export class BadEventError extends Error {
  readonly code = `BADEVENT (${SUPPORTED_EVENTS.join(' ')})`;
}

function word(node: ArgNode | undefined, what: string): string {
  if (node?.kind !== 'atom') throw new SyntaxError(`Expected ${what}`);
  return node.value;
}

function mailboxNames(node: ArgNode | undefined, decodeName: (raw: string) => string): string[] {
  if (!node) throw new SyntaxError('Expected a mailbox');
  const nodes = node.kind === 'list' ? node.items : [node];
  if (nodes.length === 0) throw new SyntaxError('Expected a mailbox');
  return nodes.map((n) => {
    if (n.kind === 'list') throw new SyntaxError('Expected a mailbox');
    return decodeName(n.kind === 'string' ? n.value.toString('utf8') : n.value);
  });
}

/** A notification must not mark a message \Seen: BODY[...] and BINARY[...] are read as .PEEK. */
function peeked(node: ArgNode): ArgNode {
  if (node.kind === 'list') return { kind: 'list', items: node.items.map(peeked) };
  if (node.kind !== 'atom') return node;
  return { kind: 'atom', value: node.value.replace(/^(BODY|BINARY)\[/i, '$1.PEEK[') };
}

function parseGroup(node: ArgNode, decodeName: (raw: string) => string): NotifyGroup & { unsupported: boolean } {
  if (node.kind !== 'list') throw new SyntaxError('Expected an event group');
  const items = node.items;
  let i = 0;
  const specifier = word(items[i++], 'a mailbox filter').toUpperCase();
  let filter: NotifyFilter;
  switch (specifier) {
    case 'SELECTED':
    case 'SELECTED-DELAYED':
      filter = { kind: 'selected', delayed: specifier === 'SELECTED-DELAYED' };
      break;
    case 'INBOXES':
      filter = { kind: 'inboxes' };
      break;
    case 'PERSONAL':
      filter = { kind: 'personal' };
      break;
    case 'SUBSCRIBED':
      filter = { kind: 'subscribed' };
      break;
    case 'SUBTREE':
    case 'MAILBOXES':
      filter = { kind: specifier === 'SUBTREE' ? 'subtree' : 'mailboxes', names: mailboxNames(items[i++], decodeName) };
      break;
    default:
      throw new SyntaxError(`Unknown mailbox filter ${specifier.slice(0, 30)}`);
  }
  const eventsNode = items[i++];
  if (items.length > i) throw new SyntaxError('Unexpected data after the events');
  if (eventsNode?.kind === 'atom' && eventsNode.value.toUpperCase() === 'NONE') return { filter, events: new Set(), unsupported: false };
  if (eventsNode?.kind !== 'list' || eventsNode.items.length === 0) throw new SyntaxError('Expected a list of events');
  const named: string[] = [];
  let fetchAttributes: ArgNode | undefined;
  let unsupported = false;
  for (let j = 0; j < eventsNode.items.length; j++) {
    const event = word(eventsNode.items[j], 'an event');
    const canonical = [...SUPPORTED_EVENTS, 'AnnotationChange', 'MailboxMetadataChange', 'ServerMetadataChange'].find((e) => e.toLowerCase() === event.toLowerCase()) ?? event;
    named.push(canonical);
    if (!(SUPPORTED_EVENTS as readonly string[]).includes(canonical)) unsupported = true;
    if (eventsNode.items[j + 1]?.kind === 'list') {
      // RFC 5465 5.1: only MessageNew takes fetch attributes, and only for the selected mailbox.
      if (canonical !== 'MessageNew') throw new SyntaxError(`${canonical.slice(0, 30)} takes no fetch attributes`);
      if (filter.kind !== 'selected') throw new SyntaxError('Fetch attributes are only allowed for SELECTED and SELECTED-DELAYED');
      fetchAttributes = peeked(eventsNode.items[++j]!);
      parseFetchItems(fetchAttributes);
    }
  }
  const has = (e: string) => named.includes(e);
  // RFC 5465 5: MessageNew and MessageExpunge go together (or the client's view of the
  // message numbers drifts), and FlagChange/AnnotationChange need both.
  if (has('MessageNew') !== has('MessageExpunge')) throw new SyntaxError('MessageNew and MessageExpunge must be given together');
  if ((has('FlagChange') || has('AnnotationChange')) && !has('MessageNew')) throw new SyntaxError('FlagChange needs MessageNew and MessageExpunge');
  // RFC 5465 6.1: the selected mailbox only has message events.
  if (filter.kind === 'selected' && named.some((e) => !MESSAGE_EVENTS.has(e))) throw new SyntaxError('SELECTED takes only message events');
  return { filter, events: new Set(named as NotifyEvent[]), fetchAttributes, unsupported };
}

/** NOTIFY's arguments; null for NOTIFY NONE. Throws SyntaxError (BAD) or BadEventError (NO). */
export function parseNotify(nodes: readonly ArgNode[], decodeName: (raw: string) => string): NotifySpec | null {
  const verb = word(nodes[0], 'SET or NONE').toUpperCase();
  if (verb === 'NONE') {
    if (nodes.length > 1) throw new SyntaxError('NOTIFY NONE takes no arguments');
    return null;
  }
  if (verb !== 'SET') throw new SyntaxError('Expected SET or NONE');
  let i = 1;
  let status = false;
  if (nodes[i]?.kind === 'atom' && (nodes[i] as { value: string }).value.toUpperCase() === 'STATUS') {
    status = true;
    i++;
  }
  if (i >= nodes.length) throw new SyntaxError('Expected an event group');
  const parsed = nodes.slice(i).map((n) => parseGroup(n, decodeName));
  if (parsed.filter((g) => g.filter.kind === 'selected').length > 1) throw new SyntaxError('Only one of SELECTED and SELECTED-DELAYED');
  if (parsed.some((g) => g.unsupported)) throw new BadEventError('Unsupported event');
  return { status, groups: parsed.map(({ unsupported: _, ...group }) => group) };
}
