import { Chip, Stack } from '@mui/material';
import { CreateButton, DataTable, List, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../layout/DateTimeField';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { RevokeServiceAccountButton } from './RevokeServiceAccountButton';
import { RotateKeyButton } from './RotateKeyButton';
import type { ServiceAccountRecord } from './service-account-types';

const ScopeChips = () => {
  const record = useRecordContext<ServiceAccountRecord>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {record.scopes.map((scope) => (
        <Chip key={scope} size="small" variant="outlined" label={scope} title={translate(`resources.service-accounts.scopes.${scope.replace(':', '_')}`)} />
      ))}
    </Stack>
  );
};

const StatusChip = () => {
  const record = useRecordContext<ServiceAccountRecord>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Chip size="small" color={record.status === 'active' ? 'success' : 'default'} label={translate(`resources.service-accounts.statuses.${record.status}`)} />
  );
};

/** Each key by its prefix, with its state: a rotated-away key shows until when it still works. */
const KeyList = () => {
  const record = useRecordContext<ServiceAccountRecord>();
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  if (!record) return null;
  const live = record.keys.filter((key) => key.status === 'active' || key.status === 'expiring');
  return (
    <Stack component="ul" spacing={0.25} sx={{ m: 0, p: 0, listStyle: 'none' }}>
      {live.map((key) => (
        <li key={key.id}>
          <code>{key.prefix}</code>{' '}
          {key.status === 'expiring'
            ? translate('resources.service-accounts.key_until', { date: formatDateTime(key.expiresAt) })
            : translate('resources.service-accounts.key_statuses.active')}
        </li>
      ))}
      {live.length === 0 ? <li>–</li> : null}
    </Stack>
  );
};

const Actions = () => (
  <Stack direction="row" spacing={1}>
    <RotateKeyButton />
    <RevokeServiceAccountButton />
  </Stack>
);

export const ServiceAccountList = () => (
  <List
    exporter={false}
    pagination={false}
    actions={
      <TopToolbar>
        <CreateButton />
      </TopToolbar>
    }
  >
    <DataTable rowClick={false} bulkActionButtons={false}>
      <DataTable.Col source="name" disableSort />
      <DataTable.Col source="scopes" disableSort>
        <ScopeChips />
      </DataTable.Col>
      <DataTable.Col source="status" disableSort>
        <StatusChip />
      </DataTable.Col>
      <DataTable.Col source="keys" disableSort>
        <KeyList />
      </DataTable.Col>
      <DataTable.Col source="createdAt" disableSort>
        <DateTimeField source="createdAt" />
      </DataTable.Col>
      <DataTable.Col label="resources.service-accounts.actions" disableSort>
        <Actions />
      </DataTable.Col>
    </DataTable>
  </List>
);
