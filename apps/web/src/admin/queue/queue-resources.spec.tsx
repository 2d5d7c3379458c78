import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { matchingIds } from './queue-actions';
import { bulkFilter } from './queue-resources';

afterEach(cleanup);

const entry = (id: string, status: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  id,
  sender: 'alice@example.test',
  domain: 'remote.test',
  status,
  attempts: 2,
  // as the API answers: a next attempt only for queued and deferred entries
  nextAttemptAt: status === 'deferred' || status === 'queued' ? '2026-11-22T12:00:00.000Z' : null,
  lastError: status === 'deferred' ? '451 4.3.0 try later' : null,
  createdAt,
  recipients: [{ address: `r${id}@remote.test`, status: 'pending', response: '451 4.3.0 try later' }],
  ...extra,
});

const rows = [
  entry('1', 'deferred', '2026-11-20T10:00:00.000Z'),
  entry('2', 'deferred', '2026-11-22T10:00:00.000Z'),
  entry('3', 'delivered', '2026-11-22T09:00:00.000Z'),
  entry('4', 'failed', '2026-11-21T09:00:00.000Z'),
];

describe('queue', { timeout: 60_000 }, () => {
  it('pages through every matching entry and keeps those older than the cut', async () => {
    const { dp } = fakeDataProvider({ queue: rows });
    expect(await matchingIds(dp as never, { status: 'deferred' })).toEqual(['1', '2']);
    expect(await matchingIds(dp as never, { status: 'deferred' }, new Date('2026-11-21T00:00:00.000Z'))).toEqual(['1']);
  });

  it('hands "purge older than" to the server with the list filter and the age', async () => {
    const { dp } = fakeDataProvider({ queue: rows });
    renderConsole('/admin/queue', dp);
    await screen.findByText('r2@remote.test', {}, { timeout: 8000 });
    fireEvent.click(screen.getByRole('button', { name: 'Purge older than…' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Older than (hours)'), { target: { value: '48' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(dp.queueBulk).toHaveBeenCalledWith('delete', { domain: undefined, status: 'deferred', sender: undefined, olderThanHours: 48 }), { timeout: 5000 });
    expect(bulkFilter({ q: ' Remote.TEST ', status: 'failed', sender: '' })).toEqual({ domain: 'remote.test', status: 'failed', sender: undefined, olderThanHours: undefined });
  });

  it('shows paused destination domains and resumes one', async () => {
    const { dp } = fakeDataProvider({ queue: rows });
    dp.pausedDomains.mockResolvedValue([{ domain: 'slow.test', pausedAt: '2026-11-22T10:00:00.000Z', reason: 'MX down' }]);
    dp.resumeDomain.mockResolvedValue({ enqueued: 3 });
    renderConsole('/admin/queue', dp);
    const chip = (await screen.findByText('slow.test paused: MX down', {}, { timeout: 8000 })).closest('.MuiChip-root')!;
    fireEvent.click(chip.querySelector('.MuiChip-deleteIcon')!);
    await waitFor(() => expect(dp.resumeDomain).toHaveBeenCalledWith('slow.test'), { timeout: 5000 });
  });

  it('opens on the deferred tab, retries a selection, and asks the server for another tab', async () => {
    const { dp } = fakeDataProvider({ queue: rows });
    renderConsole('/admin/queue', dp);
    const row = (await screen.findByText('r2@remote.test', {}, { timeout: 8000 })).closest('tr')!;
    expect(screen.getByText('r1@remote.test')).toBeTruthy();
    expect(screen.queryByText('r3@remote.test')).toBeNull();
    fireEvent.click(within(row).getByRole('checkbox'));
    fireEvent.click(await screen.findByRole('button', { name: 'Retry now' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: /confirm/i }));
    await waitFor(() => expect(dp.queueAction).toHaveBeenCalledWith('2', 'retry'), { timeout: 5000 });
    expect(dp.queueAction).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('tab', { name: 'delivered', hidden: true }));
    await waitFor(() => expect(dp.getList.mock.calls.some(([resource, params]) => resource === 'queue' && params.filter.status === 'delivered')).toBe(true), { timeout: 10_000 });
  });

  it('shows a next attempt only for an entry that is still waiting for one', async () => {
    const { dp } = fakeDataProvider({ queue: rows });
    renderConsole('/admin/queue/3/show', dp);
    await screen.findByText('r3@remote.test', {}, { timeout: 8000 });
    const nextAttempt = () => screen.getByText('Next attempt').closest('.ra-field')!;
    expect(nextAttempt().textContent).toBe('Next attempt—');
    cleanup();
    renderConsole('/admin/queue/1/show', dp);
    await screen.findByText('r1@remote.test', {}, { timeout: 8000 });
    expect(nextAttempt().textContent).toMatch(/^Next attempt.*2026/);
  });

  it('shows an entry with its recipients and attempt log', async () => {
    const { dp } = fakeDataProvider({
      queue: [entry('9', 'deferred', '2026-11-20T10:00:00.000Z', { attemptLog: [{ at: '2026-11-20T10:01:00.000Z', host: 'mx.remote.test', result: 'deferred', response: '451 4.7.1 greylisted' }] })],
    });
    renderConsole('/admin/queue/9/show', dp);
    expect(await screen.findByText('mx.remote.test', {}, { timeout: 8000 })).toBeTruthy();
    expect(screen.getByText('451 4.7.1 greylisted')).toBeTruthy();
    expect(screen.getByText('r9@remote.test')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Bounce' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/sender gets a failure notice/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: /confirm/i }));
    await waitFor(() => expect(dp.queueAction).toHaveBeenCalledWith('9', 'bounce'), { timeout: 5000 });
  });
});
