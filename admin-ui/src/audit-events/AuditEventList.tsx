import { ColumnsButton, DataTable, FilterButton, List, SelectField, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { Typography, useMediaQuery, type Theme } from '@mui/material';
import { Link } from 'react-router-dom';
import { actorTypeChoices } from './actor-types';
import { AuditEventDetails } from './AuditEventDetails';
import { auditEventFilters } from './AuditEventFilters';
import { ChainStatusChip } from './ChainStatusChip';
import { ExportCsvButton } from './ExportCsvButton';
import { DateTimeField } from '../layout/DateTimeField';
import { useStaffName } from '../staff-directory/useStaffDirectory';

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
// On a tablet: the same instant, without the zone.
const SHORT_TIMESTAMP_FORMAT: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'medium' };

const MONOSPACE = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

const AuditEventListActions = () => (
  <TopToolbar sx={{ alignItems: 'center' }}>
    <ChainStatusChip />
    <FilterButton />
    <ColumnsButton />
    <ExportCsvButton />
  </TopToolbar>
);

/** "case #42" in one column; a case links to its page. */
const TargetField = () => {
  const record = useRecordContext<{ targetType: string | null; targetId: string | null }>();
  const staffName = useStaffName();
  if (!record?.targetType) return null;
  // A staff member (staff.create, staff.disable…) by name.
  const label =
    record.targetType === 'staff' && record.targetId ? `${record.targetType} ${staffName(record.targetId)}` : `${record.targetType} #${record.targetId ?? ''}`;
  if (record.targetType === 'case' && record.targetId) {
    return (
      <Link to={`/cases/${record.targetId}/show`} onClick={(event) => event.stopPropagation()} style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Link>
    );
  }
  if (record.targetType === 'user' && record.targetId) {
    return (
      <Link to={`/users/${record.targetId}/show`} onClick={(event) => event.stopPropagation()} style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Link>
    );
  }
  return <span style={{ whiteSpace: 'nowrap' }}>{label}</span>;
};

/** An email-like label may break after the "@" on a narrow screen. */
const BreakableLabel = ({ label }: { label: string }) => {
  const at = label.indexOf('@');
  return at < 0 ? (
    <>{label}</>
  ) : (
    <span style={{ overflowWrap: 'anywhere' }}>
      {label.slice(0, at + 1)}
      <wbr />
      {label.slice(at + 1)}
    </span>
  );
};

/**
 * Staff by name (from the directory), with the label the event recorded (their
 * email at the time) under it; others by their label.
 */
const ActorField = () => {
  const record = useRecordContext<{ actorType: string; actorId: string | null; actorLabel: string | null }>();
  const staffName = useStaffName();
  const label = record?.actorLabel ?? '';
  if (record?.actorType === 'staff' && record.actorId) {
    const name = staffName(record.actorId, label);
    return (
      <>
        {name}
        {label && label !== name ? (
          <Typography variant="caption" component="div" color="text.secondary">
            <BreakableLabel label={label} />
          </Typography>
        ) : null}
      </>
    );
  }
  return <BreakableLabel label={label} />;
};

// At 1280 px the essentials fit: seq., time, actor, action, target. The rest
// is one click away in the columns menu, and every field is in the expanded row.
const HIDDEN_BY_DEFAULT = ['actorType', 'actorId', 'targetType', 'targetId', 'ip', 'requestId'];

// The server sorts on id, ts, action and actorType only.
export const AuditEventList = () => {
  const isLaptop = useMediaQuery<Theme>((theme) => theme.breakpoints.up('lg'));
  return (
    <List sort={{ field: 'id', order: 'DESC' }} filters={auditEventFilters} actions={<AuditEventListActions />} exporter={false} perPage={25}>
      <DataTable rowClick="expand" expand={<AuditEventDetails />} bulkActionButtons={false} hiddenColumns={HIDDEN_BY_DEFAULT}>
        <DataTable.Col source="id" />
        <DataTable.Col source="ts">
          <DateTimeField source="ts" options={isLaptop ? TIMESTAMP_FORMAT : SHORT_TIMESTAMP_FORMAT} sx={{ whiteSpace: 'nowrap' }} />
        </DataTable.Col>
        <DataTable.Col source="actorType">
          <SelectField source="actorType" choices={actorTypeChoices} />
        </DataTable.Col>
        <DataTable.Col source="actorId" disableSort />
        <DataTable.Col source="actorLabel" disableSort>
          <ActorField />
        </DataTable.Col>
        <DataTable.Col source="action">
          <TextField source="action" sx={MONOSPACE} />
        </DataTable.Col>
        <DataTable.Col source="target" disableSort>
          <TargetField />
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
};
