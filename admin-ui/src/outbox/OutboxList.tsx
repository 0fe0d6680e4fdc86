import { Box, Typography } from '@mui/material';
import { DataTable, List, SelectField, SelectInput, TextInput, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../layout/DateTimeField';
import { MONOSPACE } from '../layout/Panel';

const channelChoices = [
  { id: 'email', name: 'resources.outbox.channels.email' },
  { id: 'sms', name: 'resources.outbox.channels.sms' },
];
const statusChoices = ['dev', 'pending', 'sent', 'failed'].map((status) => ({
  id: status,
  name: `resources.outbox.statuses.${status}`,
}));

const outboxFilters = [
  <TextInput key="to" source="to" alwaysOn />,
  <SelectInput key="channel" source="channel" choices={channelChoices} />,
  <SelectInput key="status" source="status" choices={statusChoices} />,
];

/** A development message's body (codes, links); sent messages had theirs erased at hand-over. */
const MessageBody = () => {
  const record = useRecordContext<{ body: string | null; template: string }>();
  const translate = useTranslate();
  if (!record) return null;
  const template = (
    <Typography variant="caption" color="text.secondary" component="div" sx={{ pt: 1 }}>
      {translate('resources.outbox.fields.template')}: {record.template}
    </Typography>
  );
  return record.body ? (
    <>
      {template}
      <Box component="pre" sx={{ ...MONOSPACE, m: 0, py: 1, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: '0.8rem' }}>
        {record.body}
      </Box>
    </>
  ) : (
    <>
      {template}
      <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
        {translate('resources.outbox.body_erased')}
      </Typography>
    </>
  );
};

/** The development outbox: what would have gone out by email or SMS (admins, no provider configured). */
export const OutboxList = () => (
  <List sort={{ field: 'id', order: 'DESC' }} filters={outboxFilters} exporter={false} perPage={25}>
    <DataTable rowClick="expand" expand={<MessageBody />} bulkActionButtons={false} size="small">
      <DataTable.Col source="id" />
      <DataTable.Col source="createdAt">
        <DateTimeField source="createdAt" options={{ dateStyle: 'short', timeStyle: 'medium' }} sx={{ whiteSpace: 'nowrap' }} />
      </DataTable.Col>
      <DataTable.Col source="channel" disableSort>
        <SelectField source="channel" choices={channelChoices} />
      </DataTable.Col>
      <DataTable.Col source="to" disableSort />
      <DataTable.Col source="subject" disableSort />
      <DataTable.Col source="status" disableSort>
        <SelectField source="status" choices={statusChoices} />
      </DataTable.Col>
    </DataTable>
  </List>
);
