import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { MessageDetailDto, MessageSummaryDto } from '@mailstead/contracts';
import { fakeFetch, messageDetail, messageSummary, renderWithTheme } from '../shared/test-utils';
import { initiallyExpanded, ThreadReader } from './thread-reader';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const summary = (id: string, from: string, seen: boolean, day: number): MessageSummaryDto =>
  messageSummary(Number(id), {
    mailboxId: id === '2' ? 9 : 1,
    threadId: '1',
    subject: 'Trip plans',
    from: { name: from, address: `${from.toLowerCase()}@example.test` },
    to: 'alice@example.test',
    date: `2026-11-0${day}T10:00:00.000Z`,
    preview: `${from} says hello`,
    seen,
  });

const thread = [summary('1', 'Bob', true, 1), summary('2', 'Alice', true, 2), summary('3', 'Carol', false, 3), summary('4', 'Bob', true, 4)];
const detail = (s: MessageSummaryDto): MessageDetailDto => messageDetail(s, { text: `Body of ${s.id}` });

describe('ThreadReader', () => {
  it('expands the latest and the unread messages', () => {
    expect([...initiallyExpanded(thread)].sort()).toEqual(['3', '4']);
  });

  it('shows the conversation oldest first, collapsed except latest/unread, each expanded message with its own actions', async () => {
    const routes: Record<string, () => unknown> = { 'GET /api/messages/4/thread': () => ({ items: thread, nextCursor: null }) };
    for (const s of thread) routes[`GET /api/messages/${s.id}`] = () => detail(s);
    const api = fakeFetch(routes);
    vi.stubGlobal('fetch', api.fn);
    const onReply = vi.fn();
    const onDelete = vi.fn();
    const onToggleFlag = vi.fn();
    renderWithTheme(<ThreadReader messageId="4" onReply={onReply} onDelete={onDelete} onToggleFlag={onToggleFlag} mailboxName={(id) => (id === 9 ? 'Sent' : undefined)} />);
    const list = await screen.findByRole('list', { name: 'Messages in this conversation' });
    const entries = within(list).getAllByRole('listitem');
    expect(entries).toHaveLength(4);
    // Collapsed: one line each, a button that opens it; Alice's reply is from Sent.
    expect(within(entries[0]!).getByRole('button', { name: /^Bob, .*: Bob says hello$/ }).getAttribute('aria-expanded')).toBe('false');
    expect(within(entries[1]!).getByText('Sent')).toBeTruthy();
    // Expanded: the unread one and the latest, with their bodies.
    expect(await within(entries[2]!).findByText('Body of 3')).toBeTruthy();
    expect(await within(entries[3]!).findByText('Body of 4')).toBeTruthy();
    expect(within(entries[0]!).queryByText('Body of 1')).toBeNull();

    fireEvent.click(within(entries[0]!).getByRole('button', { name: /^Bob, / }));
    expect(await within(entries[0]!).findByText('Body of 1')).toBeTruthy();
    fireEvent.click(within(entries[0]!).getByRole('button', { name: 'Reply' }));
    expect(onReply).toHaveBeenCalledWith(expect.objectContaining({ id: '1' }), 'reply');
    fireEvent.click(within(entries[2]!).getByRole('button', { name: 'Flag this message' }));
    expect(onToggleFlag).toHaveBeenCalledWith(expect.objectContaining({ id: '3' }), true);
    fireEvent.click(within(entries[2]!).getByRole('button', { name: 'Delete this message' }));
    expect(onDelete).toHaveBeenCalledWith(expect.objectContaining({ id: '3' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    fireEvent.click(within(list).getAllByRole('listitem')[0]!.querySelector('button[aria-label^="Collapse"]')!);
    await waitFor(() => expect(within(list).queryByText('Body of 1')).toBeNull());
  });
});
