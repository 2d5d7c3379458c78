import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import type { MessageSummaryDto } from '@mailstead/contracts';
import { messageSummary, renderWithTheme } from '../shared/test-utils';
import { MessageList, type MessageListProps } from './message-list';

afterEach(cleanup);

function summary(n: number, extra: Partial<MessageSummaryDto> = {}): MessageSummaryDto {
  return messageSummary(n, {
    from: { name: `Sender ${n}`, address: `sender${n}@example.test` },
    size: 1000,
    preview: `Preview text ${n}`,
    seen: n % 2 === 0,
    hasAttachments: n % 3 === 0,
    ...extra,
  });
}

const HUGE_FOLDER = Array.from({ length: 100_000 }, (_, i) => summary(i + 1));

function setup(overrides: Partial<MessageListProps> = {}) {
  const props: MessageListProps = {
    items: HUGE_FOLDER,
    hasMore: false,
    loading: false,
    onLoadMore: vi.fn(),
    selected: new Set(),
    activeId: undefined,
    onOpen: vi.fn(),
    onSelectionChange: vi.fn(),
    onToggleFlag: vi.fn(),
    ...overrides,
  };
  renderWithTheme(<MessageList {...props} />);
  return props;
}

describe('MessageList', () => {
  it('renders only the rows on screen of a 100,000-message folder', () => {
    setup();
    const rows = screen.getAllByRole('option');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByText('Sender 1')).toBeTruthy();
    expect(screen.queryByText('Sender 5000')).toBeNull();
  });

  it('shows sender, subject, preview, unread state and markers', () => {
    setup({ items: [summary(1, { seen: false, flagged: true }), summary(3, { seen: true })] });
    const [first, second] = screen.getAllByRole('option');
    expect(first!.getAttribute('aria-label')).toBe('Unread, Sender 1, Subject 1');
    expect(within(first!).getByText('Preview text 1')).toBeTruthy();
    expect(within(first!).getByRole('button', { name: 'Unflag' })).toBeTruthy();
    expect(second!.getAttribute('aria-label')).toBe('Sender 3, Subject 3');
    expect(within(second!).getByLabelText('has attachments')).toBeTruthy();
  });

  it('opens on click, toggles with Ctrl-click, selects a range with Shift-click', () => {
    const props = setup({ items: [1, 2, 3, 4].map((n) => summary(n)) });
    const rows = screen.getAllByRole('option');
    fireEvent.click(rows[0]!);
    expect(props.onOpen).toHaveBeenCalledWith(expect.objectContaining({ id: '1' }));
    fireEvent.click(rows[2]!, { shiftKey: true });
    expect(props.onSelectionChange).toHaveBeenLastCalledWith(new Set(['1', '2', '3']));
    fireEvent.click(rows[3]!, { ctrlKey: true });
    expect(props.onSelectionChange).toHaveBeenLastCalledWith(new Set(['4']));
    expect(props.onOpen).toHaveBeenCalledTimes(1);
  });

  it('asks for the next page when the end of the loaded rows is on screen', () => {
    const props = setup({ items: [1, 2, 3].map((n) => summary(n)), hasMore: true });
    expect(props.onLoadMore).toHaveBeenCalled();
    expect(screen.getByLabelText('Loading more messages')).toBeTruthy();
  });

  it('does not ask for more while the end is far away or nothing is left', () => {
    const far = setup({ hasMore: true });
    expect(far.onLoadMore).not.toHaveBeenCalled();
    cleanup();
    const done = setup({ items: [summary(1)], hasMore: false });
    expect(done.onLoadMore).not.toHaveBeenCalled();
  });

  it('flags from the star without opening the message', () => {
    const props = setup({ items: [summary(1)] });
    fireEvent.click(screen.getByRole('button', { name: 'Flag' }));
    expect(props.onToggleFlag).toHaveBeenCalledWith(expect.objectContaining({ id: '1' }));
    expect(props.onOpen).not.toHaveBeenCalled();
  });

  it('drags the whole selection when a selected row is dragged', () => {
    setup({ items: [1, 2, 3].map((n) => summary(n)), selected: new Set(['1', '3']) });
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' };
    fireEvent.dragStart(screen.getAllByRole('option')[2]!, { dataTransfer });
    expect(JSON.parse(data.get('application/x-mailstead-messages')!)).toEqual(['1', '3']);
  });

  it('is usable by keyboard: one tab stop, arrows move it, Enter opens, x selects', async () => {
    const props = setup({ items: HUGE_FOLDER.slice(0, 20) });
    const rows = screen.getAllByRole('option');
    expect(rows.filter((r) => r.tabIndex === 0).map((r) => r.getAttribute('data-message-id'))).toEqual(['1']);
    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    await new Promise((r) => requestAnimationFrame(r));
    const second = screen.getByRole('option', { name: /Sender 2, Subject 2/ });
    expect(document.activeElement).toBe(second);
    expect(second.tabIndex).toBe(0);
    fireEvent.keyDown(second, { key: 'Enter' });
    expect(props.onOpen).toHaveBeenCalledWith(expect.objectContaining({ id: '2' }));
    fireEvent.keyDown(second, { key: 'x' });
    expect(props.onSelectionChange).toHaveBeenLastCalledWith(new Set(['2']));
  });
});
