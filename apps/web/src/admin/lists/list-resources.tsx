import { Box, Chip } from '@mui/material';
import {
  Create,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  FunctionField,
  List,
  RadioButtonGroupInput,
  SaveButton,
  SelectField,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  usePermissions,
  useRecordContext,
  type Validator,
} from 'react-admin';
import type { AdminPermissions } from '../api/auth-provider';
import type { MailingListRecord } from '../api/admin-types';
import { AddressListInput } from '../common/address-list-input';
import { domainOf, invalidAddresses, isAddress } from '../common/addresses';
import { ListMembers } from './list-members';
import { ListModeration } from './list-moderation';
import { disabledCount } from './member-bounces';

export const policyChoices = [
  { id: 'open', name: 'Open: anyone may post' },
  { id: 'members', name: 'Members only' },
  { id: 'moderated', name: 'Moderated: posts wait for approval' },
];
const replyToChoices = [
  { id: 'list', name: 'Replies go to the list' },
  { id: 'sender', name: 'Replies go to the sender' },
];

const listFilters = [<TextInput key="q" source="q" label="Search" alwaysOn />];

export function MailingListList() {
  return (
    <List filters={listFilters} sort={{ field: 'address', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="address" />
        <TextField source="name" />
        <SelectField source="policy" choices={policyChoices} optionText={(c: { id: string }) => <Chip size="small" label={c.id} />} />
        <SelectField source="replyTo" label="Reply-To" choices={replyToChoices} optionText={(c: { id: string }) => c.id} />
        <TextField source="subjectPrefix" label="Prefix" emptyText="—" />
        <FunctionField label="Members" render={(r: MailingListRecord) => <MemberCount members={r.members} />} />
        <DateField source="createdAt" label="Created" />
      </Datagrid>
    </List>
  );
}

/** Member count, with how many are disabled for bouncing (they get no list mail). */
function MemberCount({ members }: { members: MailingListRecord['members'] }) {
  const disabled = disabledCount(members);
  return (
    <Box component="span" sx={{ display: 'inline-flex', gap: 1, alignItems: 'center' }}>
      {members.length}
      {disabled > 0 ? <Chip size="small" color="warning" label={`${disabled} disabled`} /> : null}
    </Box>
  );
}

const validateMembers: Validator = (value: unknown) => {
  const bad = invalidAddresses(Array.isArray(value) ? (value as string[]) : []);
  return bad.length > 0 ? `Not an address: ${bad.join(', ')}` : undefined;
};

function ListSettingsInputs() {
  return (
    <>
      <TextInput source="name" helperText="Shown in the From line of posts" />
      <SelectInput source="policy" label="Who may post" choices={policyChoices} />
      <RadioButtonGroupInput source="replyTo" label="Reply-To" choices={replyToChoices} />
      <TextInput source="subjectPrefix" label="Subject prefix" helperText="e.g. [team]; empty for none" />
    </>
  );
}

export function MailingListCreate() {
  const { permissions } = usePermissions<AdminPermissions>();
  const validateAddress: Validator = (value: unknown) => {
    if (typeof value !== 'string' || !isAddress(value.trim())) return 'Enter the list address, e.g. team@example.com';
    if (permissions?.role === 'domain_admin' && !permissions.domains.includes(domainOf(value))) return `The list must be in one of your domains: ${permissions.domains.join(', ')}`;
    return undefined;
  };
  return (
    <Create redirect="edit">
      <SimpleForm defaultValues={{ policy: 'members', replyTo: 'list', members: [] }}>
        <TextInput source="address" label="List address" validate={validateAddress} />
        <ListSettingsInputs />
        <AddressListInput source="members" label="Members" validate={validateMembers} helperText="Optional: one address per line; more can be added or imported later" />
      </SimpleForm>
    </Create>
  );
}

function ListEditToolbar() {
  const record = useRecordContext<MailingListRecord>();
  return (
    <Toolbar sx={{ justifyContent: 'space-between' }}>
      <SaveButton />
      {record ? (
        <DeleteButton
          mutationMode="pessimistic"
          confirmTitle={`Delete list ${record.address}`}
          confirmContent={`The list and its ${record.members.length} member subscription${record.members.length === 1 ? '' : 's'} and any held posts are removed; mail to ${record.address} will be rejected. Members keep the posts already delivered to them.`}
        />
      ) : null}
    </Toolbar>
  );
}

export function MailingListEdit() {
  return (
    // Members are saved by their own panel; the settings form must not send a stale copy back.
    <Edit mutationMode="pessimistic" transform={(data: Record<string, unknown>) => ({ ...data, members: undefined })} redirect={false}>
      <Box>
        <SimpleForm toolbar={<ListEditToolbar />}>
          <TextField source="address" variant="h6" />
          <ListSettingsInputs />
        </SimpleForm>
        <ListMembers />
        <ListModeration />
      </Box>
    </Edit>
  );
}
