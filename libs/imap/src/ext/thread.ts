/**
 * THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 section 3) over plain records, and the
 * `thread-data` response formatter (RFC 5256 section 4). The THREAD / UID THREAD command runs
 * its search, loads `ThreadableMessage`s for the matches in mailbox order, and calls
 * `threadMessages` then `formatThreadResponse`.
 *
 * Deep or hostile reference chains never recurse: every tree walk below uses an explicit stack.
 */
import { compareAsciiCasemap, extractBaseSubject } from './base-subject';

export interface ThreadableMessage {
  /** What the response shows: the UID for UID THREAD, else the sequence number. */
  id: number;
  /** Message-ID with angle brackets, as stored (`<a@b>`); null when missing. */
  messageId: string | null;
  inReplyTo: string | null;
  /** References header message ids, oldest first. */
  references: readonly string[];
  subject: string | null;
  sentDate: Date | null;
  internalDate: Date;
}

/** A node of the result: `id` null is a dummy (a missing parent, or a subject group). */
export interface ThreadNode {
  id: number | null;
  children: ThreadNode[];
}

export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

export class ThreadAlgorithmError extends Error {}

/** `THREAD <algorithm> ...`, any case; throws ThreadAlgorithmError (answer BAD) otherwise. */
export function parseThreadAlgorithm(word: string): ThreadAlgorithm {
  const upper = word.toUpperCase();
  if (upper === 'ORDEREDSUBJECT' || upper === 'REFERENCES') return upper;
  throw new ThreadAlgorithmError(`Unsupported threading algorithm ${word.slice(0, 30)}`);
}

/** Messages must be given in mailbox (sequence) order: it breaks date ties (RFC 5256 section 3). */
export function threadMessages(messages: readonly ThreadableMessage[], algorithm: ThreadAlgorithm): ThreadNode[] {
  return algorithm === 'ORDEREDSUBJECT' ? orderedSubject(messages) : references(messages);
}

interface Container {
  message: ThreadableMessage | null;
  /** Position in the input (mailbox order), for ties. */
  order: number;
  parent: Container | null;
  children: Container[];
  /** Sort key (sent date, internal-date fallback); a dummy takes its earliest child's. */
  date: number;
}

function sentDate(m: ThreadableMessage): number {
  const t = m.sentDate?.getTime();
  return t !== undefined && !Number.isNaN(t) ? t : m.internalDate.getTime();
}

function byDate(a: { date: number; order: number }, b: { date: number; order: number }): number {
  return a.date - b.date || a.order - b.order;
}

/**
 * ORDEREDSUBJECT (RFC 5256 section 3): sort by base subject then sent date; each run of one
 * base subject is a thread whose first message is the parent of all the others; threads are
 * ordered by the sent date of their first message.
 */
function orderedSubject(messages: readonly ThreadableMessage[]): ThreadNode[] {
  const items = messages.map((m, order) => ({ m, order, date: sentDate(m), subject: extractBaseSubject(m.subject).base }));
  items.sort((a, b) => compareAsciiCasemap(a.subject, b.subject) || byDate(a, b));
  const threads: { node: ThreadNode; date: number; order: number }[] = [];
  let current: { subject: string; node: ThreadNode } | null = null;
  for (const item of items) {
    if (current && compareAsciiCasemap(current.subject, item.subject) === 0) {
      current.node.children.push({ id: item.m.id, children: [] });
    } else {
      current = { subject: item.subject, node: { id: item.m.id, children: [] } };
      threads.push({ node: current.node, date: item.date, order: item.order });
    }
  }
  return threads.sort(byDate).map((t) => t.node);
}

function isAncestor(candidate: Container, of: Container): boolean {
  for (let p: Container | null = of; p; p = p.parent) if (p === candidate) return true;
  return false;
}

function unlink(child: Container): void {
  const parent = child.parent;
  if (!parent) return;
  parent.children = parent.children.filter((c) => c !== child);
  child.parent = null;
}

/** Links parent -> child unless it would make a loop (RFC 5256 section 3 REFERENCES step 1.A). */
function link(parent: Container, child: Container): void {
  // A childless container cannot be anyone's ancestor: skip the walk (keeps long chains linear).
  if (parent === child || (child.children.length > 0 && isAncestor(child, parent))) return;
  unlink(child);
  child.parent = parent;
  parent.children.push(child);
}

/** Every container under `roots`, children before parents. */
function postOrder(roots: readonly Container[]): Container[] {
  const out: Container[] = [];
  const stack: { c: Container; expanded: boolean }[] = roots.map((c) => ({ c, expanded: false })).reverse();
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.expanded) {
      out.push(top.c);
      continue;
    }
    stack.push({ c: top.c, expanded: true });
    for (let i = top.c.children.length - 1; i >= 0; i--) stack.push({ c: top.c.children[i]!, expanded: false });
  }
  return out;
}

/** Step 6: siblings by sent date (mailbox order on ties); a dummy dates from its earliest child. */
function sortByDate(root: Container): void {
  for (const c of postOrder(root.children)) {
    c.children.sort(byDate);
    if (!c.message) {
      const first = c.children[0];
      c.date = first ? first.date : Number.POSITIVE_INFINITY;
      c.order = first ? first.order : Number.POSITIVE_INFINITY;
    }
  }
  root.children.sort(byDate);
}

function references(messages: readonly ThreadableMessage[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { message: null, order: Number.POSITIVE_INFINITY, parent: null, children: [], date: 0 };
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };

  messages.forEach((m, order) => {
    // Step 1: a message's container is the one for its Message-ID, unless it has none or an
    // earlier message already took that ID: then it gets a container of its own (a unique ID).
    let own = m.messageId ? byId.get(m.messageId) : undefined;
    if (own?.message || !m.messageId) own = undefined;
    if (!own) {
      own = { message: null, order, parent: null, children: [], date: 0 };
      if (m.messageId && !byId.has(m.messageId)) byId.set(m.messageId, own);
      all.push(own);
    }
    own.message = m;
    own.order = order;
    own.date = sentDate(m);

    // References, or else the first In-Reply-To message id, as the only reference.
    const refs = m.references.length > 0 ? m.references : m.inReplyTo ? [m.inReplyTo] : [];
    // Step 1.A: link each reference to the next, parent -> child, keeping existing links.
    let previous: Container | null = null;
    for (const ref of refs) {
      const c = container(ref);
      if (previous && !c.parent && c !== own) link(previous, c);
      previous = c;
    }
    // Step 1.B: the last reference becomes this message's parent. A parent it already has
    // (most likely from a truncated References header elsewhere) is broken first, so when
    // the new link would make a loop and is not made, the message is left without a parent.
    unlink(own);
    if (previous && previous !== own) link(previous, own);
  });

  // Step 2: the root set is every container without a parent.
  const root: Container = { message: null, order: -1, parent: null, children: [], date: 0 };
  for (const c of all) if (!c.parent) {
    c.parent = root;
    root.children.push(c);
  }

  // Step 4: prune dummies, deepest first. A childless dummy goes; a dummy with children is
  // replaced by them, except at the top level where it stays unless it has one child.
  for (const c of postOrder(root.children)) {
    if (c.message) continue;
    const parent = c.parent!;
    if (c.children.length === 0 || parent !== root || c.children.length === 1) {
      const index = parent.children.indexOf(c);
      for (const child of c.children) child.parent = parent;
      parent.children.splice(index, 1, ...c.children);
      c.children = [];
    }
  }

  sortByDate(root);
  groupBySubject(root);
  sortByDate(root);
  return root.children.map(toNode);
}

/** Step 5: merge top-level threads that share a base subject. */
function groupBySubject(root: Container): void {
  const threadSubject = (c: Container) => {
    const m = c.message ?? c.children[0]?.message ?? null;
    return m ? extractBaseSubject(m.subject).base.replace(/[a-z]+/g, (s) => s.toUpperCase()) : '';
  };
  const isReply = (c: Container) => (c.message ? extractBaseSubject(c.message.subject).isReplyOrForward : false);

  // 5.B: the subject table keeps, per subject, a dummy if there is one, else a non-reply.
  const table = new Map<string, Container>();
  for (const c of root.children) {
    const subject = threadSubject(c);
    if (subject === '') continue;
    const old = table.get(subject);
    if (!old || (old.message && (!c.message || (isReply(old) && !isReply(c))))) table.set(subject, c);
  }

  // 5.C: merge every other top-level thread into the table's entry.
  for (const c of [...root.children]) {
    const subject = threadSubject(c);
    if (subject === '') continue;
    const old = table.get(subject)!;
    if (old === c) continue;
    const removeFromRoot = () => {
      root.children = root.children.filter((x) => x !== c);
    };
    if (!old.message && !c.message) {
      // Both dummies: the table's takes the current one's children.
      removeFromRoot();
      for (const child of c.children) {
        child.parent = old;
        old.children.push(child);
      }
    } else if (!old.message) {
      removeFromRoot();
      c.parent = old;
      old.children.push(c);
    } else if (isReply(c) && !isReply(old)) {
      removeFromRoot();
      c.parent = old;
      old.children.push(c);
    } else {
      // A new dummy takes the table's place at the top level, with both as its children.
      const dummy: Container = { message: null, order: old.order, parent: root, children: [old, c], date: old.date };
      removeFromRoot();
      root.children[root.children.indexOf(old)] = dummy;
      old.parent = dummy;
      c.parent = dummy;
      table.set(subject, dummy);
    }
  }
}

function toNode(top: Container): ThreadNode {
  const result: ThreadNode = { id: top.message?.id ?? null, children: [] };
  const stack: { c: Container; n: ThreadNode }[] = [{ c: top, n: result }];
  while (stack.length > 0) {
    const { c, n } = stack.pop()!;
    for (const child of c.children) {
      const node: ThreadNode = { id: child.message?.id ?? null, children: [] };
      n.children.push(node);
      stack.push({ c: child, n: node });
    }
  }
  return result;
}

/**
 * One thread as its `thread-list` (RFC 5256 section 4), e.g. `(3 6 (4 23)(44 7 96))`:
 * a chain of single children is written flat, two or more children each get parentheses,
 * and a dummy contributes only its children.
 */
export function formatThread(thread: ThreadNode): string {
  let out = '';
  // Explicit work stack (no recursion): literal text, or a node to write.
  const stack: (ThreadNode | string)[] = [')', thread, '('];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    let node = item;
    const members: number[] = [];
    // Follow single-child chains flat; a dummy with one child adds nothing.
    for (;;) {
      if (node.id !== null) members.push(node.id);
      if (node.children.length !== 1) break;
      node = node.children[0]!;
    }
    out += members.join(' ');
    if (node.children.length > 1) {
      if (members.length > 0) out += ' ';
      // Pushed last-to-first so they pop as "(" child ")" left to right.
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(')', node.children[i]!, '(');
    }
  }
  return out;
}

/** `* THREAD (2)(3 6 (4 23)(44 7 96))`, or `* THREAD` when nothing matched (RFC 5256 section 4). */
export function formatThreadResponse(threads: readonly ThreadNode[]): string {
  return threads.length === 0 ? '* THREAD' : `* THREAD ${threads.map(formatThread).join('')}`;
}
