import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { mergeMembers } from './list-members';

afterEach(cleanup);

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
});
