import type { SieveAction, SieveOutcome } from './outcome';

function flagText(flags: string[]): string {
  return flags.length === 0 ? '' : ` with flags ${flags.join(' ')}`;
}

export function describeSieveAction(a: SieveAction): string {
  switch (a.type) {
    case 'keep':
      return `keep in INBOX${flagText(a.flags)}`;
    case 'fileinto':
      return `${a.copy ? 'copy' : 'file'} into "${a.mailbox}"${flagText(a.flags)}${a.create ? ' (created if missing)' : ''}`;
    case 'redirect':
      return `${a.copy ? 'send a copy' : 'redirect'} to ${a.address}`;
    case 'discard':
      return 'discard';
    case 'reject':
      return `${a.extended ? 'refuse' : 'reject'}: ${a.reason}`;
    case 'vacation':
      return `vacation reply to ${a.to}: "${a.subject}"`;
  }
}

/** One line per action, for dry runs ("Test on existing mail") and logs. */
export function describeSieveOutcome(o: SieveOutcome): string[] {
  const lines = o.actions.map(describeSieveAction);
  if (o.error !== null) lines.unshift(`error at line ${o.error.line}, column ${o.error.column}: ${o.error.message}`);
  if (o.headerEdits !== null) lines.push('edit the header');
  return lines;
}
