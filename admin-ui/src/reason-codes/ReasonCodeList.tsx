import { BooleanField, CreateButton, DataTable, List, SelectField, TextField, TopToolbar } from 'react-admin';
import { MONOSPACE } from '../layout/Panel';
import { reasonCodeKindChoices } from './reason-code-kinds';

const ReasonCodeListActions = () => (
  <TopToolbar>
    <CreateButton />
  </TopToolbar>
);

// The server returns every code in one page; codes are retired (active: false), never deleted.
export const ReasonCodeList = () => (
  <List actions={<ReasonCodeListActions />} exporter={false} pagination={false} sort={{ field: 'code', order: 'ASC' }}>
    <DataTable rowClick="edit" bulkActionButtons={false}>
      <DataTable.Col source="code" disableSort>
        <TextField source="code" sx={MONOSPACE} />
      </DataTable.Col>
      <DataTable.Col source="kind" disableSort>
        <SelectField source="kind" choices={reasonCodeKindChoices} />
      </DataTable.Col>
      <DataTable.Col source="label" disableSort />
      <DataTable.Col source="userMessage" disableSort />
      <DataTable.Col source="active" disableSort>
        <BooleanField source="active" />
      </DataTable.Col>
    </DataTable>
  </List>
);
