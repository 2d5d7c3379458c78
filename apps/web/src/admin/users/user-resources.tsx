import LockResetIcon from '@mui/icons-material/LockReset';
import { Box, Chip, Stack, Switch, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import {
  BooleanInput,
  Button,
  Create,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  FunctionField,
  List,
  NumberInput,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  useDataProvider,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useRefresh,
  useUpdate,
  type Validator,
} from 'react-admin';
import type { AdminDataProvider } from '../api/data-provider';
import type { AdminPermissions } from '../api/auth-provider';
import type { UserRecord } from '../api/admin-types';
import { domainOf, isAddress } from '../common/addresses';
import { formatBytes, MB } from '../common/format';
import { generatePassword } from '../common/password';
import { QuotaBar } from '../common/quota-bar';
import { SecretDialog } from '../common/secret-dialog';
import { SenderGrants } from './sender-grants';

const ROLE_LABELS: Record<UserRecord['role'], string> = { admin: 'Admin', domain_admin: 'Domain admin', user: 'User' };
const roleChoices = (permissions: AdminPermissions | undefined) =>
  (permissions?.role === 'admin' ? (['user', 'domain_admin', 'admin'] as const) : (['user', 'domain_admin'] as const)).map((id) => ({ id, name: ROLE_LABELS[id] }));

export function RoleChip({ role }: { role: UserRecord['role'] }) {
  return <Chip size="small" label={ROLE_LABELS[role]} color={role === 'admin' ? 'error' : role === 'domain_admin' ? 'warning' : 'default'} variant={role === 'user' ? 'outlined' : 'filled'} />;
}

/** The enabled switch in a list row: disabling keeps the mail and stops logins and delivery. */
export function EnabledSwitch() {
  const record = useRecordContext<UserRecord>();
  const [update, { isPending }] = useUpdate<UserRecord>();
  const notify = useNotify();
  if (!record) return null;
  return (
    <Tooltip title={record.enabled ? 'Enabled: click to disable (mail is kept)' : 'Disabled: click to enable'}>
      <Switch
        size="small"
        checked={record.enabled}
        disabled={isPending}
        slotProps={{ input: { 'aria-label': `${record.enabled ? 'disable' : 'enable'} ${record.address}` } }}
        onClick={(e) => e.stopPropagation()}
        onChange={(_, enabled) =>
          void update(
            'users',
            { id: record.id, data: { enabled }, previousData: record },
            {
              mutationMode: 'pessimistic',
              onSuccess: () => notify(`${record.address} ${enabled ? 'enabled' : 'disabled'}`),
              onError: (error) => notify(`Could not change ${record.address}: ${(error as Error).message}`, { type: 'error' }),
            },
          )
        }
      />
    </Tooltip>
  );
}

/** App passwords and 2FA, when the API reports them for the account. */
function SecurityField() {
  const record = useRecordContext<UserRecord>();
  if (!record) return null;
  if (record.appPasswords === undefined && record.totpEnabled === undefined) return <Typography variant="caption" color="text.secondary">—</Typography>;
  return (
    <Stack direction="row" spacing={0.5}>
      {record.totpEnabled !== undefined ? <Chip size="small" label={record.totpEnabled ? '2FA on' : '2FA off'} color={record.totpEnabled ? 'success' : 'default'} variant="outlined" /> : null}
      {record.appPasswords !== undefined ? <Chip size="small" label={`${record.appPasswords} app password${record.appPasswords === 1 ? '' : 's'}`} variant="outlined" /> : null}
    </Stack>
  );
}

const userFilters = [<TextInput key="q" source="q" label="Search addresses" alwaysOn />];

export function UserList() {
  return (
    <List filters={userFilters} sort={{ field: 'address', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="address" />
        <TextField source="displayName" label="Name" emptyText="—" />
        <FunctionField source="role" render={(r: UserRecord) => <RoleChip role={r.role} />} />
        <FunctionField label="Mail storage" sortBy="usedBytes" render={(r: UserRecord) => <QuotaBar used={r.usedBytes} quota={r.quotaBytes} />} />
        <FunctionField label="Enabled" sortBy="enabled" render={() => <EnabledSwitch />} />
        <FunctionField label="Security" render={() => <SecurityField />} />
        <DateField source="createdAt" label="Created" />
      </Datagrid>
    </List>
  );
}

const validateAddress: Validator = (value: unknown) => (typeof value === 'string' && isAddress(value.trim()) ? undefined : 'Enter a full address such as alice@example.com');

/** Quota in the form is in MB; the API takes bytes (0 = unlimited). */
const QuotaInput = () => (
  <NumberInput
    source="quotaBytes"
    label="Quota (MB, 0 = unlimited)"
    min={0}
    format={(v: unknown) => (typeof v === 'number' ? Math.round((v / MB) * 100) / 100 : '')}
    parse={(v: unknown) => (v === '' || v === null || v === undefined ? undefined : Math.round(Number(v) * MB))}
  />
);

export function UserCreate() {
  const { permissions } = usePermissions<AdminPermissions>();
  const redirect = useRedirect();
  const [created, setCreated] = useState<{ address: string; password: string } | null>(null);
  const [pending] = useState(() => ({ password: '' }));
  const domains = permissions?.domains ?? [];
  const validateInManagedDomain: Validator = (value: unknown) => {
    if (typeof value !== 'string' || permissions?.role !== 'domain_admin') return undefined;
    return domains.includes(domainOf(value)) ? undefined : `You can only add users in ${domains.join(', ')}`;
  };
  return (
    <>
      <Create
        redirect={false}
        transform={(data: Record<string, unknown>) => {
          pending.password = generatePassword();
          return { ...data, password: pending.password };
        }}
        mutationOptions={{ onSuccess: (record: UserRecord) => setCreated({ address: record.address, password: pending.password }) }}
      >
        <SimpleForm defaultValues={{ role: 'user' }}>
          <TextInput source="address" validate={[validateAddress, validateInManagedDomain]} helperText={domains.length > 0 ? `Domains: ${domains.join(', ')}` : 'Create a domain first'} />
          <TextInput source="displayName" label="Name" />
          <SelectInput source="role" choices={roleChoices(permissions)} />
          <QuotaInput />
          <Typography variant="body2" color="text.secondary">
            A password is generated and shown once after saving.
          </Typography>
        </SimpleForm>
      </Create>
      <SecretDialog
        title="User created"
        address={created?.address ?? ''}
        secret={created?.password ?? null}
        onClose={() => {
          setCreated(null);
          redirect('list', 'users');
        }}
      />
    </>
  );
}

/** States what deleting the account removes (its mail) and how to keep the mail instead. */
export function userDeleteWarning(user: Pick<UserRecord, 'address' | 'usedBytes'>): string {
  return `Delete ${user.address}? Its mailboxes and all its mail (${formatBytes(user.usedBytes)}) are removed with it, as are its app passwords; mail to the address will be rejected. This cannot be undone. To keep the mail, disable the account instead.`;
}

function ResetPasswordButton() {
  const record = useRecordContext<UserRecord>();
  const [update, { isPending }] = useUpdate<UserRecord>();
  const notify = useNotify();
  const [secret, setSecret] = useState<string | null>(null);
  if (!record) return null;
  return (
    <>
      <Button
        label="Reset password"
        disabled={isPending}
        onClick={() => {
          const password = generatePassword();
          void update(
            'users',
            { id: record.id, data: { password } as Partial<UserRecord>, previousData: record },
            { mutationMode: 'pessimistic', onSuccess: () => setSecret(password), onError: (e) => notify(`Password not changed: ${(e as Error).message}`, { type: 'error' }) },
          );
        }}
      >
        <LockResetIcon />
      </Button>
      <SecretDialog title="New password" address={record.address} secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function ResetTwoFactorButton() {
  const record = useRecordContext<UserRecord>();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!record?.totpEnabled) return null;
  return (
    <Button
      label="Reset 2FA"
      onClick={() =>
        void dp.resetTwoFactor(record.id).then(
          () => {
            notify(`Two-factor authentication reset for ${record.address}`);
            refresh();
          },
          (e: unknown) => notify(`2FA not reset: ${(e as Error).message}`, { type: 'error' }),
        )
      }
    />
  );
}

function UserEditToolbar() {
  const record = useRecordContext<UserRecord>();
  return (
    <Toolbar sx={{ gap: 1 }}>
      <SaveButton />
      <ResetPasswordButton />
      <ResetTwoFactorButton />
      <span style={{ flexGrow: 1 }} />
      {record ? <DeleteButton mutationMode="pessimistic" confirmTitle={`Delete ${record.address}`} confirmContent={userDeleteWarning(record)} /> : null}
    </Toolbar>
  );
}

export function UserEdit() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <Edit mutationMode="pessimistic">
      <Box>
        <SimpleForm toolbar={<UserEditToolbar />}>
          <TextInput source="address" disabled />
          <TextInput source="displayName" label="Name" />
          <SelectInput source="role" choices={roleChoices(permissions)} />
          <QuotaInput />
          <FunctionField label="In use" render={(r: UserRecord) => <QuotaBar used={r.usedBytes} quota={r.quotaBytes} />} />
          <BooleanInput source="enabled" helperText="A disabled account keeps its mail but cannot log in" />
          <FunctionField label="Security" render={() => <SecurityField />} />
        </SimpleForm>
        <SenderGrants />
      </Box>
    </Edit>
  );
}
