import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { parseModseq } from './condstore';

/** FETCH modifiers (RFC 4466 fetch-modifier): CHANGEDSINCE (RFC 7162 3.1.4.1) and VANISHED (3.2.6). */
export interface FetchModifiers {
  changedSince?: bigint;
  vanished: boolean;
}

export function parseFetchModifiers(nodes: ArgNode[] | undefined, byUid: boolean): FetchModifiers {
  const out: FetchModifiers = { vanished: false };
  if (!nodes) return out;
  if (nodes.length === 0) throw new SyntaxError('Empty FETCH modifier list');
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const name = node?.kind === 'atom' ? node.value.toUpperCase() : '';
    if (name === 'CHANGEDSINCE' && out.changedSince === undefined) out.changedSince = parseModseq(nodes[++i], true);
    else if (name === 'VANISHED' && !out.vanished) out.vanished = true;
    else throw new SyntaxError(`Invalid FETCH modifier ${name.slice(0, 20)}`);
  }
  // RFC 7162 3.2.6: VANISHED only in UID FETCH, and only together with CHANGEDSINCE.
  if (out.vanished && (!byUid || out.changedSince === undefined)) throw new SyntaxError('VANISHED needs UID FETCH and CHANGEDSINCE');
  return out;
}
