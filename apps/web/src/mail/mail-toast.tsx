import { useCallback, useState } from 'react';
import { Alert, Button, Snackbar } from '@mui/material';
import { errorMessage } from '../shared/api-client';

/** How long a delete or move waits for "Undo" before it is sent. */
export const UNDO_MS = 5000;

export interface Toast {
  key: number;
  text: string;
  undo?: () => void;
  severity?: 'error';
}

/** The one message at the bottom of the mailbox: results, errors, and undo offers. */
export function useMailToast() {
  const [toast, setToast] = useState<Toast | undefined>();
  const show = useCallback((text: string, options: Pick<Toast, 'undo' | 'severity'> = {}) => setToast({ key: Date.now(), text, ...options }), []);
  const showError = useCallback((e: unknown) => setToast({ key: Date.now(), text: errorMessage(e), severity: 'error' }), []);
  const dismiss = useCallback(() => setToast(undefined), []);
  return { toast, show, showError, dismiss };
}

export type MailToastApi = ReturnType<typeof useMailToast>;

export function MailToast({ toast, onClose }: { toast: Toast | undefined; onClose(): void }) {
  return (
    <Snackbar
      key={toast?.key}
      open={Boolean(toast)}
      autoHideDuration={toast?.undo ? UNDO_MS : 6000}
      onClose={(_, reason) => reason !== 'clickaway' && onClose()}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
    >
      <Alert
        severity={toast?.severity ?? 'info'}
        variant="filled"
        onClose={onClose}
        action={
          toast?.undo ? (
            <Button color="inherit" size="small" onClick={toast.undo}>
              Undo
            </Button>
          ) : undefined
        }
      >
        {toast?.text}
      </Alert>
    </Snackbar>
  );
}
