import {
    ColumnsButton,
    DataTable,
    FilterButton,
    List,
    SelectField,
    TextField,
    TopToolbar,
} from 'react-admin';
import { actorTypeChoices } from './actor-types';
import { AuditEventDetails } from './AuditEventDetails';
import { auditEventFilters } from './AuditEventFilters';
import { ChainStatusChip } from './ChainStatusChip';
import { ExportCsvButton } from './ExportCsvButton';
import { DateTimeField } from '../layout/DateTimeField';

// Seconds and the zone matter when matching an event to a server log line.
const TIMESTAMP_FORMAT: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
};

const MONOSPACE = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

const AuditEventListActions = () => (
    <TopToolbar sx={{ alignItems: 'center' }}>
        <ChainStatusChip />
        <FilterButton />
        <ColumnsButton />
        <ExportCsvButton />
    </TopToolbar>
);

// The server sorts on id, ts, action and actorType only.
export const AuditEventList = () => (
    <List
        sort={{ field: 'id', order: 'DESC' }}
        filters={auditEventFilters}
        actions={<AuditEventListActions />}
        exporter={false}
        perPage={25}
    >
        <DataTable
            rowClick="expand"
            expand={<AuditEventDetails />}
            bulkActionButtons={false}
            hiddenColumns={['actorId', 'requestId']}
        >
            <DataTable.Col source="id" />
            <DataTable.Col source="ts">
                <DateTimeField source="ts" options={TIMESTAMP_FORMAT} sx={{ whiteSpace: 'nowrap' }} />
            </DataTable.Col>
            <DataTable.Col source="actorType">
                <SelectField source="actorType" choices={actorTypeChoices} />
            </DataTable.Col>
            <DataTable.Col source="actorId" disableSort />
            <DataTable.Col source="actorLabel" disableSort />
            <DataTable.Col source="action">
                <TextField source="action" sx={MONOSPACE} />
            </DataTable.Col>
            <DataTable.Col source="targetType" disableSort />
            <DataTable.Col source="targetId" disableSort />
            <DataTable.Col source="ip" disableSort />
            <DataTable.Col source="requestId" disableSort>
                <TextField source="requestId" sx={MONOSPACE} />
            </DataTable.Col>
        </DataTable>
    </List>
);
