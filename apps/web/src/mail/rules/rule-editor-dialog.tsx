import { useEffect, useRef, useState } from 'react';
import { mailRule, type MailboxDto, type MailRule, type RuleAction, type RuleApplyRun, type RuleCondition, type RuleTestItem } from '@mailstead/contracts';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  IconButton,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import { errorMessage } from '../../shared/api-client';
import { rulesApi } from './rules-api';

export const emptyRule = (): MailRule => ({
  name: '',
  enabled: true,
  match: 'all',
  conditions: [{ field: 'from', match: 'contains', negate: false, value: '' }],
  actions: [{ type: 'move', mailbox: 'INBOX' }],
});

type ConditionField = RuleCondition['field'];
type ActionType = RuleAction['type'];

const FIELDS: [ConditionField, string][] = [
  ['from', 'From'],
  ['to', 'To or Cc'],
  ['subject', 'Subject'],
  ['header', 'Header'],
  ['listId', 'List-Id (mailing list)'],
  ['size', 'Size'],
  ['hasAttachment', 'Attachment'],
  ['spamScore', 'Spam score'],
];

const MATCHES = [
  ['contains', 'contains'],
  ['is', 'is'],
  ['matches', 'matches (* and ?)'],
  ['!contains', 'does not contain'],
  ['!is', 'is not'],
  ['!matches', 'does not match'],
] as const;

const ACTIONS: [ActionType, string][] = [
  ['move', 'Move to folder'],
  ['copy', 'Copy to folder'],
  ['markRead', 'Mark as read'],
  ['flag', 'Flag'],
  ['addKeyword', 'Add keyword'],
  ['forward', 'Forward to'],
  ['reject', 'Reject with message'],
  ['discard', 'Discard'],
  ['stop', 'Stop (no more rules)'],
];

function newCondition(field: ConditionField, from?: RuleCondition): RuleCondition {
  const text = from && 'value' in from ? { match: from.match, negate: from.negate, value: from.value } : { match: 'contains' as const, negate: false, value: '' };
  switch (field) {
    case 'size':
      return { field, comparison: 'over', kilobytes: 1024 };
    case 'hasAttachment':
      return { field, negate: false };
    case 'spamScore':
      return { field, score: 5 };
    case 'header':
      return { field, header: 'X-Mailer', ...text };
    case 'from':
    case 'to':
    case 'subject':
    case 'listId':
      return { field, ...text };
  }
}

function newAction(type: ActionType, folder: string): RuleAction {
  switch (type) {
    case 'move':
    case 'copy':
      return { type, mailbox: folder };
    case 'addKeyword':
      return { type, keyword: '' };
    case 'forward':
      return { type, address: '', keepCopy: true };
    case 'reject':
      return { type, reason: '' };
    case 'markRead':
    case 'flag':
    case 'discard':
    case 'stop':
      return { type };
  }
}

/** A native select with a label: keyboard and screen-reader friendly, and what a test can pick from. */
function Choice<T extends string>({ label, value, options, onChange, width = 180 }: { label: string; value: T; options: readonly (readonly [T, string])[]; onChange(v: T): void; width?: number }) {
  return (
    <TextField select size="small" label={label} value={value} onChange={(e) => onChange(e.target.value as T)} slotProps={{ select: { native: true } }} sx={{ minWidth: width }}>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </TextField>
  );
}

function ConditionRow({ index, condition, onChange, onRemove }: { index: number; condition: RuleCondition; onChange(c: RuleCondition): void; onRemove(): void }) {
  const n = index + 1;
  const c = condition;
  return (
    <Stack direction="row" spacing={1} alignItems="center" role="group" aria-label={`Condition ${n}`} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
      <Choice label={`Condition ${n} field`} value={c.field} options={FIELDS} onChange={(f) => onChange(newCondition(f, c))} />
      {c.field === 'header' && (
        <TextField size="small" label={`Condition ${n} header name`} value={c.header} onChange={(e) => onChange({ ...c, header: e.target.value })} sx={{ width: 160 }} />
      )}
      {'value' in c && (
        <>
          <Choice
            label={`Condition ${n} match`}
            value={`${c.negate ? '!' : ''}${c.match}` as (typeof MATCHES)[number][0]}
            options={MATCHES}
            onChange={(m) => onChange({ ...c, negate: m.startsWith('!'), match: m.replace('!', '') as 'is' | 'contains' | 'matches' })}
          />
          <TextField size="small" label={`Condition ${n} value`} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} sx={{ flex: 1, minWidth: 160 }} />
        </>
      )}
      {c.field === 'size' && (
        <>
          <Choice label={`Condition ${n} size`} value={c.comparison} options={[['over', 'is over'], ['under', 'is under']] as const} onChange={(v) => onChange({ ...c, comparison: v })} width={120} />
          <TextField
            size="small"
            type="number"
            label={`Condition ${n} kilobytes`}
            value={c.kilobytes}
            onChange={(e) => onChange({ ...c, kilobytes: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })}
            sx={{ width: 140 }}
          />
        </>
      )}
      {c.field === 'hasAttachment' && (
        <Choice label={`Condition ${n} attachment`} value={c.negate ? 'no' : 'yes'} options={[['yes', 'has an attachment'], ['no', 'has no attachment']] as const} onChange={(v) => onChange({ ...c, negate: v === 'no' })} width={200} />
      )}
      {c.field === 'spamScore' && (
        <TextField
          size="small"
          type="number"
          label={`Condition ${n} spam score over (0-9)`}
          value={c.score}
          onChange={(e) => onChange({ ...c, score: Math.min(9, Math.max(0, Math.trunc(Number(e.target.value) || 0))) })}
          sx={{ width: 200 }}
        />
      )}
      <IconButton aria-label={`Remove condition ${n}`} onClick={onRemove}>
        <DeleteIcon />
      </IconButton>
    </Stack>
  );
}

function ActionRow({ index, action, folders, onChange, onRemove }: { index: number; action: RuleAction; folders: string[]; onChange(a: RuleAction): void; onRemove(): void }) {
  const n = index + 1;
  const a = action;
  const folderOptions = [...new Set([...folders, ...('mailbox' in a ? [a.mailbox] : [])])].map((f) => [f, f] as const);
  return (
    <Stack direction="row" spacing={1} alignItems="center" role="group" aria-label={`Action ${n}`} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
      <Choice label={`Action ${n} type`} value={a.type} options={ACTIONS} onChange={(t) => onChange(newAction(t, folders[0] ?? 'INBOX'))} width={200} />
      {(a.type === 'move' || a.type === 'copy') && <Choice label={`Action ${n} folder`} value={a.mailbox} options={folderOptions} onChange={(mailbox) => onChange({ ...a, mailbox })} width={200} />}
      {a.type === 'addKeyword' && <TextField size="small" label={`Action ${n} keyword`} value={a.keyword} onChange={(e) => onChange({ ...a, keyword: e.target.value })} />}
      {a.type === 'forward' && (
        <>
          <TextField size="small" type="email" label={`Action ${n} address`} value={a.address} onChange={(e) => onChange({ ...a, address: e.target.value })} sx={{ flex: 1, minWidth: 200 }} />
          <FormControlLabel control={<Checkbox checked={a.keepCopy} onChange={(e) => onChange({ ...a, keepCopy: e.target.checked })} />} label="Keep a copy" />
        </>
      )}
      {a.type === 'reject' && (
        <TextField size="small" multiline minRows={2} label={`Action ${n} message to the sender`} value={a.reason} onChange={(e) => onChange({ ...a, reason: e.target.value })} sx={{ flex: 1, minWidth: 240 }} />
      )}
      <IconButton aria-label={`Remove action ${n}`} onClick={onRemove}>
        <DeleteIcon />
      </IconButton>
    </Stack>
  );
}

/**
 * "Test on existing mail" and "Apply to existing mail": for the rule being edited (null while it
 * is incomplete), or with `wholeScript` for the saved active script.
 */
export function ExistingMail({ rule, mailboxes, wholeScript = false }: { rule: MailRule | null; mailboxes: MailboxDto[]; wholeScript?: boolean }) {
  const inbox = mailboxes.find((m) => m.name === 'INBOX') ?? mailboxes[0];
  const [folderId, setFolderId] = useState<number | undefined>(inbox?.id);
  const [limit, setLimit] = useState(20);
  const [results, setResults] = useState<RuleTestItem[] | null>(null);
  const [run, setRun] = useState<RuleApplyRun | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (folderId === undefined && inbox) setFolderId(inbox.id);
  }, [folderId, inbox]);
  const folder = mailboxes.find((m) => m.id === folderId);
  const ready = wholeScript || rule !== null;

  const test = async () => {
    if (!ready || folderId === undefined) return;
    setError(undefined);
    setBusy(true);
    try {
      setResults((await rulesApi.test(folderId, limit, rule ?? undefined)).items);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  // progress: the run is polled until it is no longer running
  const poll = (id: string) => {
    timer.current = setTimeout(() => {
      rulesApi.applyStatus(id).then(
        (r) => {
          setRun(r);
          if (r.state === 'running') poll(id);
        },
        (e: unknown) => setError(errorMessage(e)),
      );
    }, 400);
  };
  const apply = async () => {
    if (!ready || folderId === undefined) return;
    setError(undefined);
    try {
      const r = await rulesApi.apply(folderId, rule ?? undefined);
      setRun(r);
      if (r.state === 'running') poll(r.id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const undo = async () => {
    if (!run) return;
    try {
      setRun(await rulesApi.undo(run.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Box component="section" aria-label={wholeScript ? 'All rules on existing mail' : 'Existing mail'} sx={{ borderTop: 1, borderColor: 'divider', pt: 2 }}>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        {wholeScript ? 'All rules on existing mail' : 'Existing mail'}
      </Typography>
      <Stack direction="row" spacing={1} alignItems="center" sx={{ flexWrap: 'wrap', rowGap: 1 }}>
        <Choice label="Folder" value={String(folderId ?? '')} options={mailboxes.map((m) => [String(m.id), m.name] as const)} onChange={(v) => setFolderId(Number(v))} width={200} />
        <TextField size="small" type="number" label="Newest messages" value={limit} onChange={(e) => setLimit(Math.min(200, Math.max(1, Math.trunc(Number(e.target.value) || 1))))} sx={{ width: 150 }} />
        <Button variant="outlined" disabled={!ready || busy} onClick={() => void test()}>
          Test on existing mail
        </Button>
        <Button variant="outlined" color="warning" disabled={!ready || run?.state === 'running' || run?.state === 'undoing'} onClick={() => void apply()}>
          Apply to existing mail
        </Button>
      </Stack>
      {!ready && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Complete the rule to test it.
        </Typography>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
      {run && (
        <Box sx={{ mt: 1 }} role="status" aria-label="Apply progress">
          {run.state === 'running' && <LinearProgress variant="determinate" value={run.total === 0 ? 100 : (100 * run.processed) / run.total} aria-label="Applying" />}
          <Typography variant="body2" sx={{ mt: 0.5 }}>
            {run.state === 'running' && `Applying: ${run.processed} of ${run.total} messages`}
            {run.state === 'done' && `Applied to ${run.total} messages in ${folder?.name ?? 'the folder'}: ${run.moved} moved, ${run.copied} copied, ${run.flagged} flagged${run.skipped ? `, ${run.skipped} with actions left out (forward, reject, vacation, discard)` : ''}.`}
            {run.state === 'failed' && `Stopped after ${run.processed} of ${run.total} messages: ${run.error ?? 'error'}`}
            {run.state === 'undoing' && 'Undoing…'}
            {run.state === 'undone' && 'Undone: the messages are back as they were.'}
          </Typography>
          {(run.state === 'done' || run.state === 'failed') && (run.moved > 0 || run.copied > 0 || run.flagged > 0) && (
            <Button size="small" onClick={() => void undo()}>
              Undo
            </Button>
          )}
        </Box>
      )}
      {results && (
        <Table size="small" aria-label="Test results" sx={{ mt: 1 }}>
          <TableHead>
            <TableRow>
              <TableCell>Message</TableCell>
              <TableCell>Would</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {results.length === 0 && (
              <TableRow>
                <TableCell colSpan={2}>No messages in this folder.</TableCell>
              </TableRow>
            )}
            {results.map((r) => (
              <TableRow key={r.messageId} selected={!r.unchanged}>
                <TableCell>
                  <Typography variant="body2">{r.subject || '(no subject)'}</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {r.from}
                  </Typography>
                </TableCell>
                <TableCell>{r.error ? `Error: ${r.error}` : r.outcome.join(', ')}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export interface RuleEditorDialogProps {
  /** The rule to edit, or null for a new one. */
  initial: MailRule | null;
  mailboxes: MailboxDto[];
  onSave(rule: MailRule): Promise<void>;
  onClose(): void;
}

/** The rule editor: name, condition rows, action rows, the generated Sieve, and runs over existing mail. */
export function RuleEditorDialog({ initial, mailboxes, onSave, onClose }: RuleEditorDialogProps) {
  const folders = mailboxes.map((m) => m.name);
  const [draft, setDraft] = useState<MailRule>(() => initial ?? { ...emptyRule(), actions: [{ type: 'move', mailbox: folders.find((f) => f !== 'INBOX') ?? 'INBOX' }] });
  const [preview, setPreview] = useState('');
  const [saveError, setSaveError] = useState<string | undefined>();
  const parsed = mailRule.safeParse(draft);
  const valid = parsed.success ? parsed.data : null;
  const problems = parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => `${i.path.length > 0 ? `${pathWords(i.path)}: ` : ''}${i.message}`))];
  const key = JSON.stringify(valid);

  useEffect(() => {
    if (!valid) return;
    const controller = new AbortController();
    const t = setTimeout(() => {
      rulesApi.preview(valid, controller.signal).then(
        (r) => setPreview(r.sieve),
        () => undefined,
      );
    }, 250);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [key]); // `key` is the rule's content: `valid` is a new object every render

  const setCondition = (i: number, c: RuleCondition) => setDraft((d) => ({ ...d, conditions: d.conditions.map((x, j) => (j === i ? c : x)) }));
  const setAction = (i: number, a: RuleAction) => setDraft((d) => ({ ...d, actions: d.actions.map((x, j) => (j === i ? a : x)) }));
  const save = async () => {
    if (!valid) return;
    try {
      await onSave(valid);
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  };

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="rule-editor-title">
      <DialogTitle id="rule-editor-title">{initial ? `Edit rule “${initial.name}”` : 'New rule'}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Stack direction="row" spacing={2} alignItems="center">
            <TextField label="Rule name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required autoFocus sx={{ flex: 1 }} slotProps={{ htmlInput: { maxLength: 200 } }} />
            <FormControlLabel control={<Checkbox checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />} label="Enabled" />
          </Stack>
          <Box component="section" aria-label="Conditions">
            <Stack direction="row" spacing={1} alignItems="center" sx={{ mb: 1 }}>
              <Typography variant="subtitle1" component="h3">
                When
              </Typography>
              <Choice
                label="Match"
                value={draft.match}
                options={[['all', 'all conditions hold'], ['any', 'any condition holds']] as const}
                onChange={(match) => setDraft({ ...draft, match })}
                width={200}
              />
            </Stack>
            <Stack spacing={1}>
              {draft.conditions.length === 0 && (
                <Typography variant="body2" color="text.secondary">
                  No conditions: the rule applies to every message.
                </Typography>
              )}
              {draft.conditions.map((c, i) => (
                <ConditionRow key={i} index={i} condition={c} onChange={(x) => setCondition(i, x)} onRemove={() => setDraft({ ...draft, conditions: draft.conditions.filter((_, j) => j !== i) })} />
              ))}
              <Box>
                <Button startIcon={<AddIcon />} onClick={() => setDraft({ ...draft, conditions: [...draft.conditions, newCondition('from')] })}>
                  Add condition
                </Button>
              </Box>
            </Stack>
          </Box>
          <Box component="section" aria-label="Actions">
            <Typography variant="subtitle1" component="h3" gutterBottom>
              Then
            </Typography>
            <Stack spacing={1}>
              {draft.actions.map((a, i) => (
                <ActionRow key={i} index={i} action={a} folders={folders} onChange={(x) => setAction(i, x)} onRemove={() => setDraft({ ...draft, actions: draft.actions.filter((_, j) => j !== i) })} />
              ))}
              <Box>
                <Button startIcon={<AddIcon />} onClick={() => setDraft({ ...draft, actions: [...draft.actions, newAction('markRead', folders[0] ?? 'INBOX')] })}>
                  Add action
                </Button>
              </Box>
            </Stack>
          </Box>
          {problems.length > 0 && (
            <Alert severity="info" aria-label="What the rule still needs">
              {problems.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </Alert>
          )}
          <Box component="section" aria-label="Generated Sieve">
            <Typography variant="subtitle1" component="h3" gutterBottom>
              Generated Sieve
            </Typography>
            <Box
              component="pre"
              aria-label="Generated Sieve script"
              sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontSize: 13, overflow: 'auto', maxHeight: 240, fontFamily: 'monospace', opacity: valid ? 1 : 0.5 }}
            >
              {preview || ' '}
            </Box>
          </Box>
          <ExistingMail rule={valid} mailboxes={mailboxes} />
          {saveError && <Alert severity="error">{saveError}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!valid} onClick={() => void save()}>
          Save rule
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function pathWords(path: PropertyKey[]): string {
  const [head, index] = path;
  if (head === 'conditions' && typeof index === 'number') return `Condition ${index + 1}`;
  if (head === 'actions' && typeof index === 'number') return `Action ${index + 1}`;
  if (head === 'name') return 'Name';
  return String(head);
}
