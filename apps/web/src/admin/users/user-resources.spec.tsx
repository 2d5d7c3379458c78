import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { userDeleteWarning } from './user-resources';

afterEach(cleanup);

const MB = 1024 * 1024;
const user = (id: number, address: string, extra: Record<string, unknown> = {}) => ({
  id,
  address,
  domain: address.split('@')[1],
  displayName: null,
  role: 'user',
  enabled: true,
  quotaBytes: 100 * MB,
  usedBytes: 25 * MB,
  createdAt: '2026-11-01T10:00:00.000Z',
  ...extra,
});

describe('users', { timeout: 60_000 }, () => {
  it('lists users with role, quota bar and the enabled switch, and disables one', async () => {
    const { dp } = fakeDataProvider({
      users: [user(1, 'alice@example.test', { role: 'domain_admin' }), user(2, 'bob@example.test', { usedBytes: 99 * MB, totpEnabled: true, appPasswords: 2 })],
    });
    renderConsole('/admin/users', dp);
    const bobRow = (await screen.findByText('bob@example.test')).closest('tr')!;
    expect(within(bobRow).getByText('99 MB of 100 MB')).toBeTruthy();
    expect(within(bobRow).getByText('2FA on')).toBeTruthy();
    expect(within(bobRow).getByText('2 app passwords')).toBeTruthy();
    const aliceRow = screen.getByText('alice@example.test').closest('tr')!;
    expect(within(aliceRow).getByText('Domain admin')).toBeTruthy();
    expect(within(aliceRow).getByText('25 MB of 100 MB')).toBeTruthy();

    fireEvent.click(within(bobRow).getByRole('switch', { name: 'disable bob@example.test' }));
    await waitFor(() => expect(dp.update).toHaveBeenCalled(), { timeout: 5000 });
    expect(dp.update.mock.calls[0]![0]).toBe('users');
    expect(dp.update.mock.calls[0]![1]).toMatchObject({ id: 2, data: { enabled: false } });
  });

  it('sends the search to the server as the q filter', async () => {
    const { dp } = fakeDataProvider({ users: [user(1, 'alice@example.test'), user(2, 'bob@example.test')] });
    renderConsole('/admin/users', dp);
    await screen.findByText('bob@example.test');
    fireEvent.change(screen.getByLabelText('Search addresses'), { target: { value: 'ali' } });
    await waitFor(() => expect(screen.queryByText('bob@example.test')).toBeNull(), { timeout: 5000 });
    const last = dp.getList.mock.calls.at(-1)!;
    expect(last[0]).toBe('users');
    expect(last[1].filter).toEqual({ q: 'ali' });
  });

  it('creates a user with a generated password that is shown once', async () => {
    const { dp } = fakeDataProvider({ users: [] });
    renderConsole('/admin/users/create', dp);
    fireEvent.change(await screen.findByLabelText(/Address/), { target: { value: 'carol@example.test' } });
    fireEvent.change(screen.getByLabelText(/Quota/), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(dp.create).toHaveBeenCalled(), { timeout: 5000 });
    const sent = dp.create.mock.calls[0]![1].data as Record<string, unknown>;
    expect(sent).toMatchObject({ address: 'carol@example.test', role: 'user', quotaBytes: 50 * MB });
    expect(String(sent.password)).toMatch(/^[a-zA-Z0-9]{5}(-[a-zA-Z0-9]{5}){3}$/);
    const shown = (await screen.findByTestId('generated-password')) as HTMLInputElement;
    expect(shown.value).toBe(sent.password);
    expect(screen.getByText(/shown only this once/)).toBeTruthy();
  });

  it('rejects an address that is not one before calling the API', async () => {
    const { dp } = fakeDataProvider({ users: [] });
    renderConsole('/admin/users/create', dp);
    fireEvent.change(await screen.findByLabelText(/Address/), { target: { value: 'not an address' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Enter a full address/)).toBeTruthy();
    expect(dp.create).not.toHaveBeenCalled();
  });

  it('shows the API field errors under the inputs', async () => {
    const { HttpError } = await import('react-admin');
    const { dp } = fakeDataProvider({ users: [] });
    dp.create.mockRejectedValueOnce(new HttpError('invalid request', 400, { errors: { address: 'domain nope.test does not exist', root: { serverError: 'invalid request' } } }));
    renderConsole('/admin/users/create', dp);
    fireEvent.change(await screen.findByLabelText(/Address/), { target: { value: 'x@nope.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('domain nope.test does not exist')).toBeTruthy();
  });

  it('lists, adds and removes the addresses a user may also send as', async () => {
    const { dp } = fakeDataProvider({ users: [user(1, 'alice@example.test')] });
    dp.senderGrants.mockResolvedValueOnce(['desk@example.test']);
    dp.grantSender.mockResolvedValueOnce(['desk@example.test', 'news@example.test']);
    dp.revokeSender.mockResolvedValueOnce(['news@example.test']);
    renderConsole('/admin/users/1', dp);
    const grants = await screen.findByRole('table', { name: 'sender addresses' });
    expect(await within(grants).findByText('desk@example.test')).toBeTruthy();
    expect(dp.senderGrants).toHaveBeenCalledWith(1);

    fireEvent.change(screen.getByLabelText('Sender address'), { target: { value: 'not an address' } });
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));
    expect(await screen.findByText(/Enter a full address/)).toBeTruthy();
    expect(dp.grantSender).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('Sender address'), { target: { value: 'News@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));
    expect(await within(grants).findByText('news@example.test')).toBeTruthy();
    expect(dp.grantSender).toHaveBeenCalledWith(1, 'News@example.test');

    fireEvent.click(within(grants).getByRole('button', { name: 'remove sender desk@example.test' }));
    await waitFor(() => expect(within(grants).queryByText('desk@example.test')).toBeNull(), { timeout: 5000 });
    expect(dp.revokeSender).toHaveBeenCalledWith(1, 'desk@example.test');
  });

  it('says that deleting a user removes its mail', () => {
    expect(userDeleteWarning({ address: 'bob@example.test', usedBytes: 3 * MB })).toMatch(/all its mail \(3\.0 MB\) are removed.*disable the account instead/);
  });
});
