import { SyntaxError, type ArgNode } from '../protocol/command-reader';

const SYSTEM = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '\\Recent'];

/** A flag list (RFC 3501 9 `flag-list`): system flags in canonical case, keywords as given. */
export function parseFlagNodes(nodes: ArgNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'atom') throw new SyntaxError('Flags must be atoms');
    const value = node.value;
    if (value.startsWith('\\')) {
      const system = SYSTEM.find((f) => f.toLowerCase() === value.toLowerCase());
      if (!system) throw new SyntaxError(`Invalid system flag ${value.slice(0, 30)}`);
      if (!out.includes(system)) out.push(system);
    } else {
      if (/[[\]%*]/.test(value)) throw new SyntaxError(`Invalid keyword ${value.slice(0, 30)}`);
      if (!out.includes(value)) out.push(value);
    }
  }
  return out;
}
