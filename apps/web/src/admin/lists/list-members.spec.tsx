import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { setCsrfToken } from '../api/http-client';
import { mergeMembers } from './list-members';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const list = {
  id: 4,
  address: 'team@example.test',
  name: 'Team',
  policy: 'moderated',
  replyTo: 'list',
  subjectPrefix: '[team]',
  members: [{ address: 'alice@example.test', name: null }],
  createdAt: '2026-11-01T10:00:00.000Z',
};

const lastMembers = (calls: unknown[][]) => ((calls.at(-1)![1] as { data: { members: string[] } }).data.members);

describe('list members', { timeout: 60_000 }, () => {
  it('merges without duplicates, case-insensitively', () => {
    expect(mergeMembers(['a@x.test'], ['A@x.test', 'b@x.test', 'b@x.test'])).toEqual(['a@x.test', 'b@x.test']);
  });

  it('adds one, pastes many, removes one after confirming; shows held posts', async () => {
    const { dp } = fakeDataProvider(
      { lists: [list] },
      { moderation: async () => [{ id: 1, sender: 'stranger@else.test', subject: 'Buy now', createdAt: '2026-11-20T10:00:00.000Z' }] },
    );
    renderConsole('/admin/lists/4', dp);
    expect(await screen.findByText('Members (1)', {}, { timeout: 8000 })).toBeTruthy();
    expect(await screen.findByText('stranger@else.test')).toBeTruthy();

    fireEvent.change(screen.getByTestId('member-add-one'), { target: { value: 'bob@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(dp.update).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(lastMembers(dp.update.mock.calls)).toEqual(['alice@example.test', 'bob@example.test']);
    expect(await screen.findByText('Members (2)')).toBeTruthy();

    fireEvent.change(screen.getByTestId('member-paste'), { target: { value: 'carol@example.test, dave@example.test\nbob@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add all' }));
    await waitFor(() => expect(dp.update).toHaveBeenCalledTimes(2), { timeout: 5000 });
    expect(lastMembers(dp.update.mock.calls)).toEqual(['alice@example.test', 'bob@example.test', 'carol@example.test', 'dave@example.test']);

    fireEvent.click(await screen.findByRole('button', { name: 'remove alice@example.test' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/will no longer receive posts to team@example.test/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: /confirm/i }));
    await waitFor(() => expect(dp.update).toHaveBeenCalledTimes(3), { timeout: 5000 });
    expect(lastMembers(dp.update.mock.calls)).toEqual(['bob@example.test', 'carol@example.test', 'dave@example.test']);
  });

  it('refuses pasted text with entries that are not addresses, naming them', async () => {
    const { dp } = fakeDataProvider({ lists: [list] });
    renderConsole('/admin/lists/4', dp);
    fireEvent.change(await screen.findByTestId('member-paste', {}, { timeout: 8000 }), { target: { value: 'ok@example.test\nnot-an-address' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add all' }));
    expect(await screen.findByText('Not an address: not-an-address')).toBeTruthy();
    expect(dp.update).not.toHaveBeenCalled();
    expect(await screen.findByText(/moderation queue is not available/)).toBeTruthy();
  });

  it('shows bounce counts and disabled members, and re-enables one through the API', async () => {
    const bouncing = {
      ...list,
      id: 7,
      address: 'bouncy@example.test',
      members: [
        { address: 'dead@remote.test', name: null, bounceCount: 3, lastBounceAt: '2026-11-21T09:00:00.000Z', disabledAt: '2026-11-21T09:00:00.000Z' },
        { address: 'fine@remote.test', name: null, bounceCount: 0, lastBounceAt: null, disabledAt: null },
        { address: 'flaky@remote.test', name: null, bounceCount: 1, lastBounceAt: '2026-11-20T09:00:00.000Z', disabledAt: null },
      ],
    };
    const { dp, db } = fakeDataProvider({ lists: [bouncing] });
    // What the server does: the member's row is reset, so the next read of the list shows it.
    dp.resetMemberBounces.mockImplementation(async (listId: number | string, address: string) => {
      const row = db.lists!.find((l) => l.id === Number(listId))!;
      const member = (row.members as { address: string; bounceCount: number; lastBounceAt: string | null; disabledAt: string | null }[]).find((m) => m.address === address)!;
      Object.assign(member, { bounceCount: 0, lastBounceAt: null, disabledAt: null });
    });

    renderConsole('/admin/lists', dp);
    const row = (await screen.findByText('bouncy@example.test', {}, { timeout: 8000 })).closest('tr')!;
    expect(within(row).getByText('1 disabled')).toBeTruthy();

    cleanup();
    renderConsole('/admin/lists/7', dp);
    const table = await screen.findByRole('table', { name: 'members' }, { timeout: 8000 });
    expect(await screen.findByText(/1 disabled for bouncing/)).toBeTruthy();
    const dead = within(table).getByText('dead@remote.test').closest('tr')!;
    expect(within(dead).getByTestId('bounces-dead@remote.test').textContent).toBe('3');
    expect(within(dead).getByText('disabled')).toBeTruthy();
    const flaky = within(table).getByText('flaky@remote.test').closest('tr')!;
    expect(within(flaky).getByTestId('bounces-flaky@remote.test').textContent).toBe('1');
    expect(within(flaky).queryByText('disabled')).toBeNull();
    expect(within(flaky).getByRole('button', { name: 're-enable flaky@remote.test' })).toBeTruthy();
    const fine = within(table).getByText('fine@remote.test').closest('tr')!;
    expect(within(fine).queryByRole('button', { name: /re-enable/ })).toBeNull();
    expect(within(fine).queryByText('disabled')).toBeNull();

    const readsBefore = dp.getOne.mock.calls.length;
    fireEvent.click(within(dead).getByRole('button', { name: 're-enable dead@remote.test' }));
    await waitFor(() => expect(dp.resetMemberBounces).toHaveBeenCalledTimes(1));
    expect(dp.resetMemberBounces).toHaveBeenCalledWith(7, 'dead@remote.test');
    expect(await screen.findByText('dead@remote.test re-enabled: bounce count cleared')).toBeTruthy();
    await waitFor(() => expect(dp.getOne.mock.calls.length).toBeGreaterThan(readsBefore), { timeout: 5000 });
    await waitFor(() => expect(screen.queryByRole('button', { name: 're-enable dead@remote.test' })).toBeNull(), { timeout: 5000 });
    const deadAfter = within(screen.getByRole('table', { name: 'members' })).getByText('dead@remote.test').closest('tr')!;
    expect(within(deadAfter).queryByText('disabled')).toBeNull();
    expect(screen.queryByText(/disabled for bouncing/)).toBeNull();
    expect(screen.getByRole('button', { name: 're-enable flaky@remote.test' })).toBeTruthy();
    expect(dp.update).not.toHaveBeenCalled();
  });

  it('says so when the re-enable fails, keeping the member as it was', async () => {
    const bouncing = { ...list, id: 8, members: [{ address: 'dead@remote.test', name: null, bounceCount: 2, lastBounceAt: '2026-11-21T09:00:00.000Z', disabledAt: '2026-11-21T09:00:00.000Z' }] };
    const { dp } = fakeDataProvider({ lists: [bouncing] });
    dp.resetMemberBounces.mockRejectedValue(new Error('member not found'));
    renderConsole('/admin/lists/8', dp);
    fireEvent.click(await screen.findByRole('button', { name: 're-enable dead@remote.test' }, { timeout: 8000 }));
    expect(await screen.findByText('Not re-enabled: member not found')).toBeTruthy();
    expect(screen.getByText('disabled')).toBeTruthy();
  });
});
