import { Chip } from '@mui/material';
import { DataTable, type SearchInputProps, List, NumberField, SearchInput, SelectInput, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../layout/DateTimeField';
import type { UserSummary } from './user-types';

/** react-admin passes a custom placeholder through untranslated. */
const UserSearchInput = (props: SearchInputProps) => {
  const translate = useTranslate();
  return <SearchInput {...props} placeholder={translate('resources.users.search_placeholder')} />;
};

const userStatusChoices = [
  { id: 'active', name: 'resources.users.statuses.active' },
  { id: 'frozen', name: 'resources.users.statuses.frozen' },
];

// The server searches by id or by an exact email: what a user writing to support gives.
const userFilters = [<UserSearchInput key="q" source="q" alwaysOn />, <SelectInput key="status" source="status" choices={userStatusChoices} />];

export const UserStatusField = () => {
  const record = useRecordContext<UserSummary>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Chip
      size="small"
      variant={record.status === 'frozen' ? 'filled' : 'outlined'}
      color={record.status === 'frozen' ? 'error' : 'default'}
      label={translate(`resources.users.statuses.${record.status}`, { _: record.status })}
    />
  );
};

const TierField = () => {
  const record = useRecordContext<UserSummary>();
  const translate = useTranslate();
  return record ? <>{translate(`resources.users.tiers.${record.valueTier}`, { _: record.valueTier })}</> : null;
};

/** End users, masked. */
export const UserList = () => (
  <List sort={{ field: 'id', order: 'ASC' }} filters={userFilters} exporter={false} perPage={25}>
    <DataTable rowClick="show" bulkActionButtons={false} size="small">
      <DataTable.Col source="id" />
      <DataTable.Col source="maskedEmail" disableSort />
      <DataTable.Col source="status" disableSort>
        <UserStatusField />
      </DataTable.Col>
      <DataTable.Col source="valueTier" disableSort>
        <TierField />
      </DataTable.Col>
      <DataTable.Col source="country" disableSort />
      <DataTable.Col source="activeFactors" disableSort>
        <NumberField source="activeFactors" />
      </DataTable.Col>
      <DataTable.Col source="createdAt">
        <DateTimeField source="createdAt" options={{ dateStyle: 'medium' }} />
      </DataTable.Col>
    </DataTable>
  </List>
);
