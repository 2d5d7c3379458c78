import { useCallback, useEffect, useState } from 'react';
import type { MailboxDto } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { mailApi } from './mail-api';

export const specialMailbox = (boxes: MailboxDto[], use: string) => boxes.find((m) => m.specialUse === use);

/** The account's folders with their counts: loaded once, reloaded on demand, counts updated by live events. */
export function useMailboxes() {
  const [mailboxes, setMailboxes] = useState<MailboxDto[]>([]);
  const [error, setError] = useState<string | undefined>();

  const reload = useCallback(async () => {
    try {
      setMailboxes(await mailApi.mailboxes());
      setError(undefined);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const setCounts = useCallback((mailboxId: number, total: number, unread: number) => {
    setMailboxes((all) => all.map((m) => (m.id === mailboxId ? { ...m, total, unread } : m)));
  }, []);

  return { mailboxes, error, reload, replace: setMailboxes, setCounts };
}
