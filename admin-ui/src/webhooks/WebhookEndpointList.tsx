import { BooleanField, CreateButton, DataTable, FunctionField, List, TextField, TopToolbar, useTranslate } from 'react-admin';
import { DateTimeField } from '../layout/DateTimeField';
import { MONOSPACE } from '../layout/Panel';
import type { WebhookEndpointRecord } from './webhook-types';

const ListActions = () => (
  <TopToolbar>
    <CreateButton />
  </TopToolbar>
);

const EventTypesCell = () => {
  const translate = useTranslate();
  return (
    <FunctionField<WebhookEndpointRecord>
      render={(record) => (record.eventTypes.length === 0 ? translate('resources.webhook-endpoints.all_types') : record.eventTypes.join(', '))}
    />
  );
};

const HealthCell = () => {
  const translate = useTranslate();
  return (
    <FunctionField<WebhookEndpointRecord>
      render={(record) => {
        if (!record.enabled) {
          return translate(
            record.disabledReason === 'failing' ? 'resources.webhook-endpoints.health.disabled_failing' : 'resources.webhook-endpoints.health.disabled',
          );
        }
        return record.failingSince
          ? translate('resources.webhook-endpoints.health.failing', { smart_count: record.consecutiveFailures })
          : translate('resources.webhook-endpoints.health.ok');
      }}
    />
  );
};

/** Where security events are pushed (admins); a row opens the endpoint with its delivery log. */
export const WebhookEndpointList = () => (
  <List actions={<ListActions />} exporter={false} sort={{ field: 'id', order: 'ASC' }}>
    <DataTable rowClick="edit" bulkActionButtons={false}>
      <DataTable.Col source="url">
        <TextField source="url" sx={MONOSPACE} />
      </DataTable.Col>
      <DataTable.Col source="description" disableSort />
      <DataTable.Col source="eventTypes" disableSort>
        <EventTypesCell />
      </DataTable.Col>
      <DataTable.Col source="enabled" disableSort>
        <BooleanField source="enabled" />
      </DataTable.Col>
      <DataTable.Col source="health" disableSort>
        <HealthCell />
      </DataTable.Col>
      <DataTable.Col source="createdAt">
        <DateTimeField source="createdAt" />
      </DataTable.Col>
    </DataTable>
  </List>
);
