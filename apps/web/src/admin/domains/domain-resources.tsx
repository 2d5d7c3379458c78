import DnsIcon from '@mui/icons-material/Dns';
import {
  BooleanField,
  BooleanInput,
  Button,
  Create,
  CreateButton,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  ExportButton,
  FilterButton,
  List,
  NumberField,
  SaveButton,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  TopToolbar,
  usePermissions,
  useRecordContext,
  type Validator,
} from 'react-admin';
import { Link } from 'react-router-dom';
import type { AdminPermissions } from '../api/auth-provider';
import type { DomainRecord } from '../api/admin-types';
import { isDomainName } from '../common/addresses';

const validateDomain: Validator = (value: unknown) => (typeof value === 'string' && isDomainName(value.trim()) ? undefined : 'Enter a domain name such as example.com');

/** What deleting a domain takes with it, said plainly before it happens. */
export function domainDeleteWarning(domain: Pick<DomainRecord, 'name' | 'accounts' | 'aliases' | 'lists'>): string {
  return (
    `Delete ${domain.name}? This removes its ${domain.accounts} user${domain.accounts === 1 ? '' : 's'} together with all their mailboxes and messages, ` +
    `${domain.aliases} alias${domain.aliases === 1 ? '' : 'es'} and ${domain.lists} mailing list${domain.lists === 1 ? '' : 's'}. Mail for the domain will be rejected. This cannot be undone.`
  );
}

function DomainDeleteButton() {
  const record = useRecordContext<DomainRecord>();
  if (!record) return null;
  return <DeleteButton mutationMode="pessimistic" confirmTitle={`Delete domain ${record.name}`} confirmContent={domainDeleteWarning(record)} />;
}

function DnsButton() {
  const record = useRecordContext<DomainRecord>();
  if (!record) return null;
  return (
    <Button component={Link} to={`/domains/${record.id}/dns`} label="DNS setup" onClick={(e) => e.stopPropagation()}>
      <DnsIcon />
    </Button>
  );
}

const domainFilters = [<TextInput key="q" source="q" label="Search" alwaysOn />];

function DomainListActions() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <TopToolbar>
      <FilterButton />
      {permissions?.role === 'admin' ? <CreateButton /> : null}
      <ExportButton />
    </TopToolbar>
  );
}

export function DomainList() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <List filters={domainFilters} actions={<DomainListActions />} sort={{ field: 'name', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <BooleanField source="enabled" />
        <BooleanField source="requireTotp" label="2FA required" sortable={false} />
        <NumberField source="accounts" label="Users" sortable={false} />
        <NumberField source="aliases" sortable={false} />
        <NumberField source="lists" sortable={false} />
        <DateField source="createdAt" label="Created" />
        <DnsButton />
        {permissions?.role === 'admin' ? <DomainDeleteButton /> : null}
      </Datagrid>
    </List>
  );
}

export function DomainCreate() {
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="name" label="Domain name" validate={validateDomain} helperText="e.g. example.com; publish its DNS records afterwards" />
      </SimpleForm>
    </Create>
  );
}

function DomainEditToolbar() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <Toolbar sx={{ justifyContent: 'space-between' }}>
      {permissions?.role === 'admin' ? <SaveButton /> : <span />}
      <DnsButton />
      {permissions?.role === 'admin' ? <DomainDeleteButton /> : null}
    </Toolbar>
  );
}

export function DomainEdit() {
  // Only a server admin may change a domain; a domain admin sees it and its DNS page.
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm toolbar={<DomainEditToolbar />}>
        <TextInput source="name" disabled />
        <BooleanInput source="enabled" disabled={permissions?.role !== 'admin'} helperText="A disabled domain accepts no mail and no logins" />
        <BooleanInput
          source="requireTotp"
          label="Require two-factor login (TOTP)"
          disabled={permissions?.role !== 'admin'}
          helperText="Users of this domain without TOTP must set it up at their next web login (open sessions too) before they can read mail; mail clients with app passwords are not affected"
        />
      </SimpleForm>
    </Edit>
  );
}
