import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HttpError } from 'react-admin';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { domainChoices, EVERY_DOMAIN, toCreateRequest, toUpdateRequest } from './sieve-resources';

afterEach(cleanup);

const script = (over: Record<string, unknown>) => ({ id: 1, name: 'spam', place: 'before', domain: null, content: 'keep;', size: 5, version: 1, updatedAt: '2026-12-01T10:00:00.000Z', ...over });

describe('Sieve scripts', { timeout: 60_000 }, () => {
  it('offers global scripts to server administrators only', () => {
    expect(domainChoices({ role: 'admin', domains: ['a.test'], address: 'x@a.test' }).map((c) => c.id)).toEqual([EVERY_DOMAIN, 'a.test']);
    expect(domainChoices({ role: 'domain_admin', domains: ['a.test'], address: 'x@a.test' }).map((c) => c.id)).toEqual(['a.test']);
    expect(toCreateRequest({ name: 'n', place: 'after', domain: EVERY_DOMAIN, content: 'keep;' })).toEqual({ name: 'n', place: 'after', domain: null, content: 'keep;' });
    expect(toUpdateRequest({ id: 3, name: 'n', place: 'after', domain: 'a.test', content: 'stop;', size: 5 })).toEqual({ place: 'after', content: 'stop;' });
  });

  it('lists where each script runs and when', async () => {
    const { dp } = fakeDataProvider({ 'sieve-scripts': [script({}), script({ id: 2, name: 'footer', place: 'after', domain: 'example.test' })] });
    renderConsole('/admin/sieve-scripts', dp);
    const spam = (await screen.findByText('spam', {}, { timeout: 8000 })).closest('tr')!;
    expect(within(spam).getByText('Every domain (global)')).toBeTruthy();
    expect(within(spam).getByText("Before each user's own rules")).toBeTruthy();
    const footer = screen.getByText('footer').closest('tr')!;
    expect(within(footer).getByText('example.test')).toBeTruthy();
    expect(within(footer).getByText("After each user's own rules")).toBeTruthy();
  });

  it('creates a global script, sending null as its domain', async () => {
    const { dp } = fakeDataProvider({ 'sieve-scripts': [] });
    renderConsole('/admin/sieve-scripts/create', dp);
    fireEvent.change(await screen.findByLabelText(/^Name/, {}, { timeout: 8000 }), { target: { value: 'junk' } });
    fireEvent.change(screen.getByLabelText(/Sieve script/), { target: { value: 'require "fileinto";\nfileinto "Junk";\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(dp.create).toHaveBeenCalled(), { timeout: 5000 });
    expect(dp.create.mock.calls[0]![1].data).toEqual({ name: 'junk', place: 'before', domain: null, content: 'require "fileinto";\nfileinto "Junk";\n' });
  });

  it('shows the compile error the server answers under the script', async () => {
    const update = vi.fn(async () => {
      throw new HttpError('The script has errors: line 1, column 1: unknown command "frobnicate"', 400, { errors: { content: 'line 1, column 1: unknown command "frobnicate"' } });
    });
    const { dp } = fakeDataProvider({ 'sieve-scripts': [script({})] }, { update } as never);
    renderConsole('/admin/sieve-scripts/1', dp);
    const editor = await screen.findByLabelText(/Sieve script/, {}, { timeout: 8000 });
    fireEvent.change(editor, { target: { value: 'frobnicate;' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('line 1, column 1: unknown command "frobnicate"', {}, { timeout: 5000 })).toBeTruthy();
    expect(update).toHaveBeenCalledWith('sieve-scripts', expect.objectContaining({ data: { place: 'before', content: 'frobnicate;' } }));
  });
});
