import { Stack, Typography } from '@mui/material';
import {
  BooleanInput,
  CheckboxGroupInput,
  DataTable,
  Edit,
  Labeled,
  maxLength,
  NumberField,
  Pagination,
  ReferenceManyField,
  required,
  SaveButton,
  SelectField,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  useTranslate,
} from 'react-admin';
import { DateTimeField } from '../layout/DateTimeField';
import { MONOSPACE } from '../layout/Panel';
import { RedeliverButton } from './RedeliverButton';
import { RotateSecretButton } from './RotateSecretButton';
import { DELIVERY_STATUSES, eventTypeChoices, type WebhookEndpointRecord } from './webhook-types';

const deliveryStatusChoices = DELIVERY_STATUSES.map((status) => ({ id: status, name: `resources.webhook-deliveries.statuses.${status}` }));

// PUT /webhook-endpoints/:id takes these (with the version, so two admins do not overwrite each other).
const toUpdatePayload = (data: Partial<WebhookEndpointRecord>) => ({
  url: data.url?.trim(),
  description: data.description?.trim() ?? '',
  eventTypes: data.eventTypes ?? [],
  enabled: Boolean(data.enabled),
  version: data.version,
});

const EditToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

/** The endpoint's delivery log, newest first: every event sent (or to be sent) to it, with a redelivery per row. */
const DeliveryLog = () => {
  const translate = useTranslate();
  return (
    <Stack spacing={1} sx={{ width: '100%', mt: 3 }}>
      <Typography variant="h6" component="h2">
        {translate('resources.webhook-deliveries.log_title')}
      </Typography>
      <ReferenceManyField reference="webhook-deliveries" target="endpointId" sort={{ field: 'id', order: 'DESC' }} perPage={25} pagination={<Pagination />}>
        <DataTable bulkActionButtons={false} rowClick={false} resource="webhook-deliveries">
          <DataTable.Col source="eventId" disableSort>
            <TextField source="eventId" sx={MONOSPACE} />
          </DataTable.Col>
          <DataTable.Col source="eventType" disableSort>
            <TextField source="eventType" sx={MONOSPACE} />
          </DataTable.Col>
          <DataTable.Col source="userId" disableSort />
          <DataTable.Col source="status" disableSort>
            <SelectField source="status" choices={deliveryStatusChoices} />
          </DataTable.Col>
          <DataTable.Col source="attempts" disableSort>
            <NumberField source="attempts" />
          </DataTable.Col>
          <DataTable.Col source="lastStatusCode" disableSort />
          <DataTable.Col source="lastErrorClass" disableSort>
            <TextField source="lastErrorClass" sx={MONOSPACE} />
          </DataTable.Col>
          <DataTable.Col source="lastAttemptAt" disableSort>
            <DateTimeField source="lastAttemptAt" />
          </DataTable.Col>
          <DataTable.Col source="nextAttemptAt" disableSort>
            <DateTimeField source="nextAttemptAt" />
          </DataTable.Col>
          <DataTable.Col label="resources.webhook-deliveries.fields.actions" disableSort>
            <RedeliverButton />
          </DataTable.Col>
        </DataTable>
      </ReferenceManyField>
    </Stack>
  );
};

export const WebhookEndpointEdit = () => (
  <Edit mutationMode="pessimistic" transform={toUpdatePayload} actions={false}>
    <SimpleForm toolbar={<EditToolbar />}>
      <TextInput source="url" validate={required()} helperText="resources.webhook-endpoints.url_hint" fullWidth />
      <TextInput source="description" validate={maxLength(200)} fullWidth />
      <CheckboxGroupInput source="eventTypes" choices={eventTypeChoices} translateChoice={false} helperText="resources.webhook-endpoints.event_types_hint" />
      <BooleanInput source="enabled" helperText="resources.webhook-endpoints.enabled_hint" />
      <Stack direction="row" spacing={4} sx={{ alignItems: 'center' }}>
        <Labeled>
          <DateTimeField source="failingSince" emptyText="resources.webhook-endpoints.health.ok" />
        </Labeled>
        <Labeled>
          <DateTimeField source="previousSecretValidUntil" emptyText="resources.webhook-endpoints.one_secret" />
        </Labeled>
        <RotateSecretButton />
      </Stack>
      <DeliveryLog />
    </SimpleForm>
  </Edit>
);
