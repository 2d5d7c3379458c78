import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { copyText } from './copy-button';

/** Shows a generated password once, with a copy button; it is not kept anywhere after closing. */
export function SecretDialog({ title, address, secret, onClose }: { title: string; address: string; secret: string | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog open={secret !== null} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          This password for <strong>{address}</strong> is shown only this once. Copy it now and hand it over safely.
        </Alert>
        <TextField
          label="Password"
          value={secret ?? ''}
          fullWidth
          slotProps={{ input: { readOnly: true, sx: { fontFamily: 'monospace', fontSize: '1.2rem' } }, htmlInput: { 'data-testid': 'generated-password' } }}
        />
      </DialogContent>
      <DialogActions>
        <Button
          onClick={() => {
            void copyText(secret ?? '').then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button variant="contained" onClick={onClose}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
