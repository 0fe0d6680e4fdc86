import { Chip, Stack, Typography } from '@mui/material';
import { DataTable, List, useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { caseListLink } from '../cases/case-views';
import { SlaChip } from '../cases/SlaChip';
import { formatDuration } from '../layout/duration';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { useNow } from '../layout/useNow';
import { ReleaseClaimsButton } from './ReleaseClaimsButton';
import type { TeamMember } from './team-types';

/** The queue filtered on what this person holds (the Team page's way into their cases). */
export const heldCasesLink = (staffId: number) => caseListLink({ assigneeId: String(staffId), status: 'in_review' });

const NameField = () => {
  const record = useRecordContext<TeamMember>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <span>
        <strong>{record.name}</strong>
        <Typography variant="caption" component="div" color="text.secondary">
          {translate(`rebind.roles.${record.role}`)}
        </Typography>
      </span>
      {record.active ? null : <Chip size="small" color="warning" label={translate('resources.team.disabled')} />}
    </Stack>
  );
};

const OpenCasesField = () => {
  const record = useRecordContext<TeamMember>();
  const translate = useTranslate();
  if (!record) return null;
  return record.openCases === 0 ? (
    <Typography variant="body2" color="text.secondary">
      0
    </Typography>
  ) : (
    <Link to={heldCasesLink(record.id)} aria-label={translate('resources.team.cases_of', { name: record.name })}>
      {record.openCases}
    </Link>
  );
};

const OldestSlaField = () => {
  const record = useRecordContext<TeamMember>();
  if (!record?.oldestSlaDueAt) return null;
  return <SlaChip record={{ status: 'in_review', slaDueAt: record.oldestSlaDueAt }} />;
};

/** "2 h ago", with the exact time on hover; nothing when they hold nothing. */
const LastActivityField = () => {
  const record = useRecordContext<TeamMember>();
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const now = useNow();
  if (!record?.lastActivityAt) return null;
  return (
    <span title={formatDateTime(record.lastActivityAt)}>
      {translate('resources.team.ago', { duration: formatDuration(now - Date.parse(record.lastActivityAt), translate) })}
    </span>
  );
};

const ActionsField = () => {
  const record = useRecordContext<TeamMember>();
  const translate = useTranslate();
  if (!record || record.openCases === 0) return null;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <Link to={heldCasesLink(record.id)}>{translate('resources.team.view_cases')}</Link>
      <ReleaseClaimsButton />
    </Stack>
  );
};

/**
 * The supervisor's view of the team: who holds how many cases, the most
 * urgent SLA among them, when they last worked on one; their cases in the
 * queue, or all of them back to the queue when they are away.
 */
export const TeamList = () => (
  <List
    sort={{ field: 'name', order: 'ASC' }}
    perPage={100}
    pagination={false}
    exporter={false}
    title="resources.team.title"
    // Claims come and go: refresh every minute (and on focus).
    queryOptions={{ refetchInterval: 60_000 }}
  >
    <DataTable rowClick={false} bulkActionButtons={false} size="small">
      <DataTable.Col source="name">
        <NameField />
      </DataTable.Col>
      <DataTable.Col source="openCases" sortByOrder="DESC">
        <OpenCasesField />
      </DataTable.Col>
      <DataTable.Col source="oldestSlaDueAt">
        <OldestSlaField />
      </DataTable.Col>
      <DataTable.Col source="lastActivityAt" disableSort>
        <LastActivityField />
      </DataTable.Col>
      <DataTable.Col label="resources.team.fields.actions" disableSort>
        <ActionsField />
      </DataTable.Col>
    </DataTable>
  </List>
);
