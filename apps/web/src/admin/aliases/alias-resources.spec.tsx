import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { validateAliasSource, validateDestinations } from './alias-resources';

afterEach(cleanup);

describe('aliases', { timeout: 60_000 }, () => {
  it('validates sources (address or @domain catch-all, in the admin’s domains) and destinations', () => {
    const v = validateAliasSource(['example.test']);
    expect(v('sales@example.test', {}, {} as never)).toBeUndefined();
    expect(v('@example.test', {}, {} as never)).toBeUndefined();
    expect(v('sales@other.test', {}, {} as never)).toMatch(/one of your domains/);
    expect(v('sales', {}, {} as never)).toMatch(/Enter an address/);
    expect(validateDestinations([], {}, {} as never)).toMatch(/at least one/);
    expect(validateDestinations(['a@x.test', 'nope'], {}, {} as never)).toBe('Not an address: nope');
  });

  it('marks catch-alls and external forwarding in the list', async () => {
    const { dp } = fakeDataProvider({
      aliases: [
        { id: 1, source: '@example.test', destinations: ['admin@example.test'], enabled: true, createdAt: '2026-11-01T10:00:00.000Z' },
        { id: 2, source: 'fwd@example.test', destinations: ['me@gmail.test'], enabled: true, createdAt: '2026-11-01T10:00:00.000Z' },
      ],
    });
    renderConsole('/admin/aliases', dp);
    const catchAll = (await screen.findByText('@example.test', {}, { timeout: 8000 })).closest('tr')!;
    expect(within(catchAll).getByText('catch-all')).toBeTruthy();
    expect(screen.getByText('me@gmail.test (external)')).toBeTruthy();
  });

  it('creates an alias with several destinations typed one per line', async () => {
    const { dp } = fakeDataProvider({ aliases: [] });
    renderConsole('/admin/aliases/create', dp);
    fireEvent.change(await screen.findByLabelText(/Alias address/, {}, { timeout: 8000 }), { target: { value: 'sales@example.test' } });
    fireEvent.change(screen.getByLabelText(/Destinations/), { target: { value: 'alice@example.test\nbob@elsewhere.test\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(dp.create).toHaveBeenCalled(), { timeout: 5000 });
    expect(dp.create.mock.calls[0]![1].data).toMatchObject({ source: 'sales@example.test', destinations: ['alice@example.test', 'bob@elsewhere.test'] });
  });
});
