import { Chip } from '@mui/material';
import { DataTable, List, SelectField, useRecordContext, useTranslate } from 'react-admin';
import { staffRoleChoices } from '../roles';
import { DateTimeField } from '../layout/DateTimeField';
import type { StaffRecord } from './staff-types';

/**
 * Only disabled accounts are marked. (react-admin's BooleanField with
 * FalseIcon={null} puts a Fragment under a Tooltip, which MUI 9 cannot
 * attach to: the whole list crashed.)
 */
const DisabledMark = () => {
  const record = useRecordContext<StaffRecord>();
  const translate = useTranslate();
  return record?.disabled ? <Chip size="small" label={translate('resources.staff.fields.disabled')} /> : null;
};

export const StaffList = () => (
  <List sort={{ field: 'id', order: 'ASC' }} exporter={false} perPage={25}>
    <DataTable rowClick="edit" bulkActionButtons={false}>
      <DataTable.Col source="id" />
      <DataTable.Col source="email" />
      <DataTable.Col source="name" />
      <DataTable.Col source="role">
        <SelectField source="role" choices={staffRoleChoices} />
      </DataTable.Col>
      <DataTable.Col source="disabled" disableSort>
        <DisabledMark />
      </DataTable.Col>
      <DataTable.Col source="createdAt">
        <DateTimeField source="createdAt" />
      </DataTable.Col>
      <DataTable.Col source="lastLoginAt">
        <DateTimeField source="lastLoginAt" emptyText="resources.staff.never_signed_in" />
      </DataTable.Col>
    </DataTable>
  </List>
);
