import type { MailRule, RuleAction, RuleCondition } from '@mailstead/contracts';

/** Rules in words, for the list on the Rules page. */
const FIELD_WORDS: Record<'from' | 'to' | 'subject' | 'listId', string> = { from: 'From', to: 'To or Cc', subject: 'Subject', listId: 'List-Id' };

export function conditionText(c: RuleCondition): string {
  switch (c.field) {
    case 'size':
      return `size ${c.comparison} ${c.kilobytes} KB`;
    case 'hasAttachment':
      return c.negate ? 'has no attachment' : 'has an attachment';
    case 'spamScore':
      return `spam score over ${c.score}`;
    case 'header':
      return `${c.header} ${matchWords(c.match, c.negate)} "${c.value}"`;
    case 'from':
    case 'to':
    case 'subject':
    case 'listId':
      return `${FIELD_WORDS[c.field]} ${matchWords(c.match, c.negate)} "${c.value}"`;
  }
}

export function matchWords(match: 'is' | 'contains' | 'matches', negate: boolean): string {
  if (match === 'is') return negate ? 'is not' : 'is';
  if (match === 'contains') return negate ? 'does not contain' : 'contains';
  return negate ? 'does not match' : 'matches';
}

export function actionText(a: RuleAction): string {
  switch (a.type) {
    case 'move':
      return `move to ${a.mailbox}`;
    case 'copy':
      return `copy to ${a.mailbox}`;
    case 'markRead':
      return 'mark as read';
    case 'flag':
      return 'flag';
    case 'addKeyword':
      return `add keyword ${a.keyword}`;
    case 'forward':
      return `forward to ${a.address}${a.keepCopy ? ' (keep a copy)' : ''}`;
    case 'reject':
      return 'reject';
    case 'discard':
      return 'discard';
    case 'stop':
      return 'stop';
  }
}

export function ruleText(rule: MailRule): string {
  const when = rule.conditions.length === 0 ? 'Every message' : `If ${rule.conditions.map(conditionText).join(rule.match === 'all' ? ' and ' : ' or ')}`;
  return `${when}: ${rule.actions.map(actionText).join(', ')}`;
}
