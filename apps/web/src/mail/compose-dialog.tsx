import { lazy, Suspense, useRef, useState } from 'react';
import type { ReplyMode } from '@mailstead/contracts';
import { useAccount } from '../shared/session';
import { draftToCompose, newCompose, replyToCompose, type ComposeDraft } from './compose-draft';
import { mailApi } from './mail-api';
import { loadSettings, rememberCorrespondents } from './user-settings';

// The composer (with the rich-text editor) loads when first opened: the inbox paints without it.
const Composer = lazy(() => import('./composer').then((m) => ({ default: m.Composer })));

/** Which draft the composer shows, if it is open; each opening is a fresh composer. */
export function useComposeDialog(onError: (e: unknown) => void) {
  const account = useAccount();
  const [current, setCurrent] = useState<{ key: number; draft: ComposeDraft } | undefined>();
  const key = useRef(0);
  const open = (draft: ComposeDraft) => setCurrent({ key: ++key.current, draft });
  const signature = () => loadSettings(account.account.address).signature;
  return {
    current,
    close: () => setCurrent(undefined),
    openNew: () => open(newCompose(signature())),
    /** Reply, reply-all and forward forms come from the server, which quotes the whole body and uploads forwarded attachments. */
    openReply: (messageId: string, mode: ReplyMode) => {
      mailApi.replyDraft(messageId, mode).then((form) => open(replyToCompose(form, signature())), onError);
    },
    /** A saved draft, where sending it removes it from Drafts. */
    openDraft: (messageId: string) => {
      mailApi.message(messageId, { full: true }).then((d) => open(draftToCompose(d)), onError);
    },
  };
}

export type ComposeDialogState = ReturnType<typeof useComposeDialog>;

export interface ComposeDialogProps {
  compose: ComposeDialogState;
  knownAddresses: string[];
  onClosed(): void;
  onSent(result: { localRecipients: number; remoteRecipients: number }): void;
}

export function ComposeDialog({ compose, knownAddresses, onClosed, onSent }: ComposeDialogProps) {
  const account = useAccount();
  const current = compose.current;
  if (!current) return null;
  return (
    <Suspense fallback={null}>
      <Composer
        key={current.key}
        open
        from={account.account.address}
        fromName={account.account.displayName}
        defaultMode={loadSettings(account.account.address).composeMode}
        initial={current.draft}
        knownAddresses={knownAddresses}
        onClose={() => {
          compose.close();
          onClosed();
        }}
        onSent={(result) => {
          rememberCorrespondents(account.account.address, current.draft);
          compose.close();
          onSent(result);
        }}
      />
    </Suspense>
  );
}
