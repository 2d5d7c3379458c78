import { Chip } from '@mui/material';
import {
  Create,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  FunctionField,
  List,
  NumberField,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  required,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { SIEVE_ADMIN_PLACES, type SieveAdminPlace, type SieveAdminScriptDto } from '@mailstead/contracts';
import type { AdminPermissions } from '../api/auth-provider';

/** What each place means for the people whose mail the script sees. */
export const PLACE_LABELS: Record<SieveAdminPlace, string> = {
  before: "Before each user's own rules",
  after: "After each user's own rules",
  include: 'Only where a script says include :global',
};

/** The value the domain choice uses for "every domain" (the API's null). */
export const EVERY_DOMAIN = '*';

const placeChoices = SIEVE_ADMIN_PLACES.map((id) => ({ id, name: PLACE_LABELS[id] }));

/** A server administrator may write scripts for every account or one domain; a domain admin only for their domains. */
export function domainChoices(permissions: AdminPermissions | undefined): { id: string; name: string }[] {
  const domains = (permissions?.domains ?? []).map((d) => ({ id: d, name: d }));
  return permissions?.role === 'admin' ? [{ id: EVERY_DOMAIN, name: 'Every domain (global)' }, ...domains] : domains;
}

const domainLabel = (domain: string | null) => domain ?? 'Every domain (global)';

const sieveFilters = [<TextInput key="q" source="q" label="Search" alwaysOn />];

export function SieveScriptList() {
  return (
    <List filters={sieveFilters} sort={{ field: 'name', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <FunctionField label="Runs for" render={(r: SieveAdminScriptDto) => (r.domain === null ? <Chip size="small" color="warning" label={domainLabel(null)} /> : r.domain)} />
        <FunctionField label="When" render={(r: SieveAdminScriptDto) => PLACE_LABELS[r.place]} />
        <NumberField source="size" label="Bytes" />
        <NumberField source="version" />
        <DateField source="updatedAt" label="Changed" showTime />
      </Datagrid>
    </List>
  );
}

const ScriptInput = () => (
  <TextInput
    source="content"
    label="Sieve script"
    multiline
    minRows={12}
    fullWidth
    validate={required()}
    slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
    helperText='RFC 5228, e.g. require "fileinto"; if header :contains "X-Spam-Flag" "YES" { fileinto "Junk"; }. It is compiled before it is saved.'
  />
);

/** The create request: "every domain" is the API's null. */
export const toCreateRequest = (data: Record<string, unknown>) => ({
  name: data.name,
  place: data.place,
  domain: data.domain === EVERY_DOMAIN || data.domain === undefined ? null : data.domain,
  content: data.content,
});

export function SieveScriptCreate() {
  const { permissions } = usePermissions<AdminPermissions>();
  const choices = domainChoices(permissions);
  return (
    <Create redirect="list" transform={toCreateRequest}>
      <SimpleForm defaultValues={{ place: 'before', domain: choices[0]?.id }}>
        <TextInput source="name" validate={required()} helperText="Unique among the scripts of the same domain (or among the global ones)" />
        <SelectInput source="domain" label="Runs for" choices={choices} validate={required()} />
        <SelectInput source="place" label="When" choices={placeChoices} validate={required()} />
        <ScriptInput />
      </SimpleForm>
    </Create>
  );
}

function SieveEditToolbar() {
  const record = useRecordContext<SieveAdminScriptDto>();
  return (
    <Toolbar sx={{ justifyContent: 'space-between' }}>
      <SaveButton />
      {record ? (
        <DeleteButton
          mutationMode="pessimistic"
          confirmTitle={`Delete script ${record.name}`}
          confirmContent={`It will no longer run for ${record.domain === null ? 'any account' : `the accounts of ${record.domain}`}. Stored mail is not touched.`}
        />
      ) : null}
    </Toolbar>
  );
}

/** Only the place and the text change; the name and the domain stay. */
export const toUpdateRequest = (data: Record<string, unknown>) => ({ place: data.place, content: data.content });

export function SieveScriptEdit() {
  return (
    <Edit mutationMode="pessimistic" transform={toUpdateRequest}>
      <SimpleForm toolbar={<SieveEditToolbar />}>
        <TextField source="name" />
        <FunctionField label="Runs for" render={(r: SieveAdminScriptDto) => domainLabel(r.domain)} />
        <SelectInput source="place" label="When" choices={placeChoices} validate={required()} />
        <ScriptInput />
      </SimpleForm>
    </Edit>
  );
}
