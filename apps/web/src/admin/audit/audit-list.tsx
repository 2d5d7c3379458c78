import { Datagrid, DateField, FunctionField, List, TextField, TextInput } from 'react-admin';
import type { AuditRecord } from '../api/admin-types';

// The API filters the audit log by action (q); filters by actor or target are not offered by it yet.
const auditFilters = [<TextInput key="q" source="q" label="Action contains" alwaysOn />];

function details(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** Who did what, when, from where: newest first, filterable, paged on the server. */
export function AuditList() {
  return (
    <List filters={auditFilters} sort={{ field: 'at', order: 'DESC' }} perPage={50}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="at" label="When" showTime />
        <TextField source="actor" label="Who" />
        <TextField source="action" />
        <TextField source="target" emptyText="—" />
        <FunctionField label="Details" render={(r: AuditRecord) => <code style={{ fontSize: 12 }}>{details(r.details)}</code>} />
        <TextField source="ip" label="IP" emptyText="—" />
      </Datagrid>
    </List>
  );
}
