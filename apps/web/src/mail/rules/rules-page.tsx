import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { MailboxDto, MailRule, RuleEntry, RuleSetDto } from '@mailstead/contracts';
import {
  Alert,
  AppBar,
  Box,
  Button,
  CircularProgress,
  IconButton,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Paper,
  Stack,
  Switch,
  Tab,
  Tabs,
  TextField,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CodeIcon from '@mui/icons-material/Code';
import DeleteIcon from '@mui/icons-material/Delete';
import DragIndicatorIcon from '@mui/icons-material/DragIndicator';
import EditIcon from '@mui/icons-material/Edit';
import { ApiRequestError, errorMessage } from '../../shared/api-client';
import { mailApi } from '../mail-api';
import { ruleText } from './rule-describe';
import { ExistingMail, RuleEditorDialog } from './rule-editor-dialog';
import { rulesApi } from './rules-api';

const entryName = (e: RuleEntry) => (e.kind === 'rule' ? e.rule.name : 'Custom Sieve');

/** Moves item `from` to position `to`. */
function moved<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/** "line 4, column 3: ..." messages from a compile error answer (or the script's own errors). */
function compileProblems(e: unknown): string[] | null {
  if (!(e instanceof ApiRequestError) || e.status !== 400 || !e.fields) return null;
  const lines = Object.values(e.fields).flat();
  return lines.length > 0 ? lines : null;
}

/** The raw tab: the whole script, saved as it is; compile errors listed under it with their lines. */
function RawSieve({ set, onSaved }: { set: RuleSetDto; onSaved(s: RuleSetDto): void }) {
  const [text, setText] = useState(set.script);
  const [problems, setProblems] = useState<string[]>(set.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | undefined>();
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setText(set.script);
  }, [set.script]);
  const save = async () => {
    setStatus(undefined);
    try {
      const saved = await rulesApi.saveScript(text);
      setProblems([]);
      setStatus({ ok: true, text: 'Saved and active' });
      onSaved(saved);
    } catch (e) {
      const lines = compileProblems(e);
      if (lines) setProblems(lines);
      else setStatus({ ok: false, text: errorMessage(e) });
    }
  };
  // put the caret on the line an error names
  const goTo = (problem: string) => {
    const m = /line (\d+), column (\d+)/i.exec(problem);
    const el = area.current;
    if (!m || !el) return;
    const lines = text.split('\n');
    const offset = lines.slice(0, Number(m[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(m[2]) - 1;
    el.focus();
    el.setSelectionRange(offset, offset);
  };
  return (
    <Stack spacing={1}>
      <Typography variant="body2" color="text.secondary">
        The whole active script “{set.scriptName}”. Blocks under “# rule:” are the rules on the other tab; everything else is kept as you write it.
      </Typography>
      <TextField
        label="Sieve script"
        multiline
        minRows={16}
        value={text}
        inputRef={area}
        onChange={(e) => {
          setText(e.target.value);
          setStatus(undefined);
        }}
        error={problems.length > 0}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 13 }, 'aria-describedby': problems.length > 0 ? 'sieve-problems' : undefined } }}
      />
      {problems.length > 0 && (
        <Alert severity="error" id="sieve-problems" role="alert" aria-label="Compile errors">
          <Typography variant="body2" component="div" sx={{ fontWeight: 600 }}>
            The script was not saved:
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2 }}>
            {problems.map((p) => (
              <li key={p}>
                <Button size="small" sx={{ textTransform: 'none', p: 0, minWidth: 0, textAlign: 'left' }} onClick={() => goTo(p)}>
                  {p.replace(/^line/, 'Line')}
                </Button>
              </li>
            ))}
          </Box>
        </Alert>
      )}
      {status && <Alert severity={status.ok ? 'success' : 'error'}>{status.text}</Alert>}
      <Box>
        <Button variant="contained" onClick={() => void save()}>
          Save script
        </Button>
      </Box>
    </Stack>
  );
}

/**
 * Mail rules (/mail/settings/rules): the rules of the active Sieve script in order (drag, or the
 * arrow buttons, to reorder), each with an on/off switch, the editor dialog, and the raw script.
 */
export function RulesPage() {
  const navigate = useNavigate();
  const [set, setSet] = useState<RuleSetDto | null>(null);
  const [mailboxes, setMailboxes] = useState<MailboxDto[]>([]);
  const [tab, setTab] = useState<'rules' | 'raw'>('rules');
  const [editing, setEditing] = useState<{ index: number | null; rule: MailRule | null } | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [status, setStatus] = useState<string | undefined>();

  useEffect(() => {
    rulesApi.get().then(setSet, (e: unknown) => setError(errorMessage(e)));
    mailApi.mailboxes().then(setMailboxes, (e: unknown) => setError(errorMessage(e)));
  }, []);

  /** Shows the change at once (a switch flips, a dragged rule stays where it was dropped); put back if the save fails. */
  const saveEntries = async (entries: RuleEntry[], what: string) => {
    setError(undefined);
    const before = set;
    if (before) setSet({ ...before, entries });
    try {
      setSet(await rulesApi.saveRules(entries));
      setStatus(what);
    } catch (e) {
      setSet(before);
      setError(errorMessage(e));
      throw e;
    }
  };

  const entries = set?.entries ?? [];
  const reorder = (from: number, to: number) => {
    if (from === to || to < 0 || to >= entries.length) return;
    void saveEntries(moved(entries, from, to), `Moved “${entryName(entries[from]!)}” to position ${to + 1}`).catch(() => undefined);
  };
  const onDrop = (e: DragEvent, to: number) => {
    e.preventDefault();
    if (dragFrom !== null) reorder(dragFrom, to);
    setDragFrom(null);
  };

  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <IconButton edge="start" aria-label="Back to settings" onClick={() => void navigate('/mail/settings')}>
            <ArrowBackIcon />
          </IconButton>
          <Typography variant="h6" component="h1" sx={{ ml: 1 }}>
            Mail rules
          </Typography>
        </Toolbar>
      </AppBar>
      <Stack spacing={2} sx={{ p: 2, maxWidth: 900, mx: 'auto' }}>
        {error && <Alert severity="error">{error}</Alert>}
        {!set ? (
          !error && (
            <Box sx={{ display: 'grid', placeItems: 'center', p: 4 }} aria-busy aria-label="Loading rules">
              <CircularProgress />
            </Box>
          )
        ) : (
          <Paper sx={{ p: 2 }}>
            <Tabs value={tab} onChange={(_, v: 'rules' | 'raw') => setTab(v)} aria-label="Rules view" sx={{ mb: 2 }}>
              <Tab value="rules" label="Rules" id="tab-rules" aria-controls="panel-rules" />
              <Tab value="raw" label="Raw Sieve" id="tab-raw" aria-controls="panel-raw" />
            </Tabs>
            {tab === 'rules' && (
              <Box role="tabpanel" id="panel-rules" aria-labelledby="tab-rules">
                {set.errors.length > 0 && (
                  <Alert severity="warning" sx={{ mb: 2 }}>
                    The active script has errors (see Raw Sieve): mail is kept in INBOX until they are fixed.
                  </Alert>
                )}
                <Typography variant="body2" color="text.secondary" gutterBottom>
                  Rules run from the top for every message that arrives. Drag a rule (or use the arrows) to change the order.
                </Typography>
                {entries.length === 0 && (
                  <Typography variant="body2" sx={{ my: 2 }}>
                    No rules yet.
                  </Typography>
                )}
                <List aria-label="Rules">
                  {entries.map((e, i) => {
                    const name = entryName(e);
                    return (
                      <ListItem
                        key={`${i}-${name}`}
                        draggable
                        onDragStart={(ev) => {
                          setDragFrom(i);
                          ev.dataTransfer.effectAllowed = 'move';
                          ev.dataTransfer.setData('text/plain', String(i));
                        }}
                        onDragOver={(ev) => ev.preventDefault()}
                        onDrop={(ev) => onDrop(ev, i)}
                        onDragEnd={() => setDragFrom(null)}
                        aria-label={name}
                        data-testid={`rule-${i}`}
                        sx={{ border: 1, borderColor: dragFrom === i ? 'primary.main' : 'divider', borderRadius: 1, mb: 1, bgcolor: 'background.paper', opacity: e.kind === 'rule' && !e.rule.enabled ? 0.6 : 1 }}
                        secondaryAction={
                          <Stack direction="row" spacing={0.5} alignItems="center">
                            <Tooltip title="Move up">
                              <span>
                                <IconButton aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => reorder(i, i - 1)}>
                                  <ArrowUpwardIcon />
                                </IconButton>
                              </span>
                            </Tooltip>
                            <Tooltip title="Move down">
                              <span>
                                <IconButton aria-label={`Move ${name} down`} disabled={i === entries.length - 1} onClick={() => reorder(i, i + 1)}>
                                  <ArrowDownwardIcon />
                                </IconButton>
                              </span>
                            </Tooltip>
                            {e.kind === 'rule' && (
                              <>
                                <Switch
                                  checked={e.rule.enabled}
                                  slotProps={{ input: { 'aria-label': `Enable ${name}` } }}
                                  onChange={(ev) => {
                                    const next = entries.map((x, j) => (j === i && x.kind === 'rule' ? { kind: 'rule' as const, rule: { ...x.rule, enabled: ev.target.checked } } : x));
                                    void saveEntries(next, `${name} ${ev.target.checked ? 'enabled' : 'disabled'}`).catch(() => undefined);
                                  }}
                                />
                                <IconButton aria-label={`Edit ${name}`} onClick={() => setEditing({ index: i, rule: e.rule })}>
                                  <EditIcon />
                                </IconButton>
                              </>
                            )}
                            {e.kind === 'raw' && (
                              <IconButton aria-label={`Edit ${name} in the raw script`} onClick={() => setTab('raw')}>
                                <CodeIcon />
                              </IconButton>
                            )}
                            <IconButton
                              aria-label={`Delete ${name}`}
                              onClick={() => void saveEntries(entries.filter((_, j) => j !== i), `Deleted “${name}”`).catch(() => undefined)}
                            >
                              <DeleteIcon />
                            </IconButton>
                          </Stack>
                        }
                      >
                        <ListItemIcon sx={{ minWidth: 32, cursor: 'grab' }} aria-hidden>
                          <DragIndicatorIcon />
                        </ListItemIcon>
                        <ListItemText
                          sx={{ pr: 28 }}
                          primary={e.kind === 'rule' ? `${name}${e.rule.enabled ? '' : ' (off)'}` : name}
                          secondary={
                            e.kind === 'rule' ? (
                              ruleText(e.rule)
                            ) : (
                              <Box component="code" sx={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>
                                {e.sieve.split('\n').slice(0, 3).join('\n')}
                                {e.sieve.split('\n').length > 3 ? '\n…' : ''}
                              </Box>
                            )
                          }
                        />
                      </ListItem>
                    );
                  })}
                </List>
                <Stack direction="row" spacing={2} alignItems="center">
                  <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing({ index: null, rule: null })}>
                    New rule
                  </Button>
                  {status && (
                    <Typography variant="body2" role="status">
                      {status}
                    </Typography>
                  )}
                </Stack>
                {set.exists && entries.length > 0 && (
                  <Box sx={{ mt: 3 }}>
                    <ExistingMail rule={null} wholeScript mailboxes={mailboxes} />
                  </Box>
                )}
              </Box>
            )}
            {tab === 'raw' && (
              <Box role="tabpanel" id="panel-raw" aria-labelledby="tab-raw">
                <RawSieve set={set} onSaved={setSet} />
              </Box>
            )}
          </Paper>
        )}
      </Stack>
      {editing && set && (
        <RuleEditorDialog
          initial={editing.rule}
          mailboxes={mailboxes}
          onClose={() => setEditing(null)}
          onSave={async (rule) => {
            const next: RuleEntry[] =
              editing.index === null ? [...entries, { kind: 'rule', rule }] : entries.map((x, j) => (j === editing.index ? { kind: 'rule' as const, rule } : x));
            await saveEntries(next, `Saved “${rule.name}”`);
            setEditing(null);
          }}
        />
      )}
    </Box>
  );
}
