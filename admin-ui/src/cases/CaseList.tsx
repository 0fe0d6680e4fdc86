import { Typography, useMediaQuery, type Theme } from '@mui/material';
import { DataTable, FilterButton, List, Pagination, TopToolbar, useRecordContext, usePermissions, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { DateTimeField } from '../layout/DateTimeField';
import { can, type StaffRole } from '../roles';
import { AssigneeField } from './AssigneeField';
import type { CaseSummary } from './case-types';
import { DEFAULT_CASE_FILTER } from './case-views';
import { CaseFilterSidebar } from './CaseFilterSidebar';
import { caseFilters } from './CaseFilters';
import { CaseStatusField } from './CaseStatusChip';
import { CaseViewsBar } from './CaseViewsBar';
import { ClaimButton } from './ClaimButton';
import { canClaimFromQueue } from './queue-rules';
import { useQueueKeyboard } from './useQueueKeyboard';
import { MethodsField } from './MethodsField';
import { RiskBandField } from './RiskBandChip';
import { SlaField } from './SlaChip';

// The server pages at most 500 rows; the desk offers up to 100.
const CasePagination = () => <Pagination rowsPerPageOptions={[10, 25, 50, 100]} />;

const CaseListActions = () => (
  <TopToolbar>
    <FilterButton />
  </TopToolbar>
);

/**
 * "#42" as a link (the keyboard way into a case; rows are clickable too) over
 * the masked account email: one column for both saves a tablet's width.
 */
const CaseIdField = () => {
  const record = useRecordContext<CaseSummary>();
  if (!record) return null;
  return (
    <>
      <Link to={`/cases/${record.id}/show`} onClick={(event) => event.stopPropagation()}>
        #{record.id}
      </Link>
      <Typography variant="caption" component="div" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
        {record.maskedEmail}
      </Typography>
    </>
  );
};

const ClaimCell = () => {
  const record = useRecordContext<CaseSummary>();
  const { permissions: role } = usePermissions<StaffRole>();
  return record && canClaimFromQueue(record, role) ? <ClaimButton openAfterClaim /> : null;
};

/** The review queue: most urgent SLA first, saved views, filters, claim in one click. */
export const CaseList = () => (
  <List
    sort={{ field: 'slaDueAt', order: 'ASC' }}
    filterDefaultValues={DEFAULT_CASE_FILTER}
    filters={caseFilters}
    actions={<CaseListActions />}
    aside={<CaseFilterSidebar />}
    pagination={<CasePagination />}
    perPage={25}
    exporter={false}
    title="resources.cases.queue_title"
    // The queue moves while an agent reads it: refresh every minute (and on focus).
    queryOptions={{ refetchInterval: 60_000 }}
  >
    <CaseViewsBar />
    <QueueTable />
  </List>
);

/** The queue's rows, driven by mouse or by keyboard (j/k, Enter, c, ?). */
const QueueTable = () => {
  const translate = useTranslate();
  const { permissions: role } = usePermissions<StaffRole>();
  const isLaptop = useMediaQuery<Theme>((theme) => theme.breakpoints.up('lg'));
  const isWide = useMediaQuery<Theme>((theme) => theme.breakpoints.up('xl'));
  const { rowSx, help } = useQueueKeyboard();
  return (
    <>
      {help}
      <DataTable rowClick="show" bulkActionButtons={false} size="small" rowSx={rowSx}>
        <DataTable.Col source="id" label="resources.cases.fields.id">
          <CaseIdField />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <CaseStatusField />
        </DataTable.Col>
        {isLaptop ? (
          <DataTable.Col source="methods" disableSort>
            <MethodsField />
          </DataTable.Col>
        ) : null}
        <DataTable.Col source="riskScore" label="resources.cases.fields.riskBand" sortByOrder="DESC">
          <RiskBandField />
        </DataTable.Col>
        <DataTable.Col source="slaDueAt">
          <SlaField />
        </DataTable.Col>
        {isLaptop ? (
          <DataTable.Col source="assigneeId" disableSort>
            <AssigneeField />
          </DataTable.Col>
        ) : null}
        {isWide ? (
          <DataTable.Col source="submittedAt">
            <DateTimeField source="submittedAt" options={{ dateStyle: 'short', timeStyle: 'short' }} />
          </DataTable.Col>
        ) : null}
        {can(role, 'cases.work') ? (
          <DataTable.Col label={translate('resources.cases.fields.action')} disableSort>
            <ClaimCell />
          </DataTable.Col>
        ) : null}
      </DataTable>
    </>
  );
};
