import { Chip, Stack } from '@mui/material';
import {
  BooleanField,
  BooleanInput,
  Create,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  FunctionField,
  List,
  SaveButton,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  usePermissions,
  useRecordContext,
  type Validator,
} from 'react-admin';
import type { AdminPermissions } from '../api/auth-provider';
import type { AliasRecord } from '../api/admin-types';
import { domainOf, invalidAddresses, isAddress, isDomainName } from '../common/addresses';
import { AddressListInput } from '../common/address-list-input';

/** `@example.com` is the domain's catch-all: it takes mail for every address nobody else has. */
export const isCatchAll = (source: string): boolean => source.startsWith('@');

/** Source: a full address, or `@domain` for the catch-all; within the domains this admin manages. */
export function validateAliasSource(domains: readonly string[] | undefined): Validator {
  return (value: unknown) => {
    const source = typeof value === 'string' ? value.trim().toLowerCase() : '';
    const ok = isCatchAll(source) ? isDomainName(source.slice(1)) : isAddress(source);
    if (!ok) return 'Enter an address (sales@example.com) or @example.com for a catch-all';
    if (domains && domains.length > 0 && !domains.includes(domainOf(source))) return `The alias must be in one of your domains: ${domains.join(', ')}`;
    return undefined;
  };
}

/** Destinations: one or more addresses, local or external (forwarding); each one must be an address. */
export const validateDestinations: Validator = (value: unknown) => {
  const list = Array.isArray(value) ? (value as string[]) : [];
  if (list.length === 0) return 'Give at least one destination address';
  if (list.length > 100) return 'At most 100 destinations';
  const bad = invalidAddresses(list);
  return bad.length > 0 ? `Not an address: ${bad.join(', ')}` : undefined;
};

function DestinationChips({ record, domains }: { record: AliasRecord; domains: readonly string[] }) {
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {record.destinations.map((d) => {
        const external = !domains.includes(domainOf(d));
        return <Chip key={d} size="small" label={external ? `${d} (external)` : d} variant={external ? 'outlined' : 'filled'} color={external ? 'info' : 'default'} />;
      })}
    </Stack>
  );
}

const aliasFilters = [<TextInput key="q" source="q" label="Search" alwaysOn />];

export function AliasList() {
  const { permissions } = usePermissions<AdminPermissions>();
  const domains = permissions?.domains ?? [];
  return (
    <List filters={aliasFilters} sort={{ field: 'source', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <FunctionField
          source="source"
          render={(r: AliasRecord) => (
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <span>{r.source}</span>
              {isCatchAll(r.source) ? <Chip size="small" color="warning" label="catch-all" /> : null}
            </Stack>
          )}
        />
        <FunctionField label="Delivers to" render={(r: AliasRecord) => <DestinationChips record={r} domains={domains} />} />
        <BooleanField source="enabled" />
        <DateField source="createdAt" label="Created" />
      </Datagrid>
    </List>
  );
}

const DestinationsInput = () => (
  <AddressListInput source="destinations" label="Destinations" validate={validateDestinations} helperText="One address per line; addresses outside your domains are forwarded" />
);

export function AliasCreate() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="source" label="Alias address" validate={validateAliasSource(permissions?.role === 'domain_admin' ? permissions.domains : undefined)} helperText="sales@example.com, or @example.com for a catch-all" />
        <DestinationsInput />
      </SimpleForm>
    </Create>
  );
}

function AliasEditToolbar() {
  const record = useRecordContext<AliasRecord>();
  return (
    <Toolbar sx={{ justifyContent: 'space-between' }}>
      <SaveButton />
      {record ? (
        <DeleteButton
          mutationMode="pessimistic"
          confirmTitle={`Delete alias ${record.source}`}
          confirmContent={`Mail to ${record.source} will no longer reach ${record.destinations.join(', ')}${isCatchAll(record.source) ? ' (unknown addresses of the domain will be rejected)' : ''}. No stored mail is touched.`}
        />
      ) : null}
    </Toolbar>
  );
}

export function AliasEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm toolbar={<AliasEditToolbar />}>
        <TextField source="source" label="Alias address" />
        <DestinationsInput />
        <BooleanInput source="enabled" />
      </SimpleForm>
    </Edit>
  );
}
