import { Alert, Box, Card, CardContent, Stack, Typography } from '@mui/material';
import { Show, useGetIdentity, usePermissions, useRecordContext, useTranslate } from 'react-admin';
import { DetailLoading, hasDetail } from '../layout/DetailLoading';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { useStaffName } from '../staff-directory/useStaffDirectory';
import { can, type StaffRole } from '../roles';
import { BiometricPanel } from './evidence/BiometricPanel';
import { SecurityQuestionsPanel } from './evidence/SecurityQuestionsPanel';
import { TransferRecordPanel } from './evidence/TransferRecordPanel';
import { AccountPanel } from './panels/AccountPanel';
import { NotesPanel } from './panels/NotesPanel';
import { RelatedCasesPanel } from './panels/RelatedCasesPanel';
import { RequestPanel } from './panels/RequestPanel';
import { RiskSignalsPanel } from './panels/RiskSignalsPanel';
import { TimelinePanel } from './panels/TimelinePanel';
import { CaseActionBar } from './CaseActionBar';
import type { CaseDetail, CaseEvidence, CaseSummary } from './case-types';
import { CaseStatusChip } from './CaseStatusChip';
import { RiskBandChip } from './RiskBandChip';
import { SlaChip } from './SlaChip';

const CaseTitle = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  return <>{record ? translate('resources.cases.title', { id: record.id }) : ''}</>;
};

export const auditLinkFor = (caseId: number) =>
  `/audit-events?${new URLSearchParams({
    filter: JSON.stringify({ targetType: 'case', targetId: String(caseId) }),
    order: 'ASC',
    sort: 'id',
  })}`;

const EvidencePanel = ({ evidence }: { evidence: CaseEvidence }) => {
  switch (evidence.method) {
    case 'security_questions':
      return <SecurityQuestionsPanel checked={evidence.checked} />;
    case 'biometric':
      return <BiometricPanel checked={evidence.checked} thresholds={evidence.thresholds} />;
    case 'transfer_record':
      return <TransferRecordPanel submitted={evidence.submitted} checked={evidence.checked} />;
    default:
      return null;
  }
};

/** Who holds or decided the case, in a sentence. */
const Custody = ({ record }: { record: CaseDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const { identity } = useGetIdentity();
  const staffName = useStaffName();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.custody.${key}`, options);
  const mine = identity && record.assigneeId != null && String(identity.id) === String(record.assigneeId);
  let text: string;
  if (record.decidedAt) {
    text = t('decided', { name: staffName(record.decidedById, record.decidedByName), date: formatDateTime(record.decidedAt) });
  } else if (record.assigneeId != null) {
    text = mine
      ? t('yours', { date: formatDateTime(record.claimExpiresAt, { timeStyle: 'short' }) })
      : t('held_by', { name: staffName(record.assigneeId, record.assigneeName) });
  } else {
    text = t('unassigned');
  }
  return (
    <Typography variant="body2" color="text.secondary">
      {text}
    </Typography>
  );
};

/** The case's header; from a queue row (no detail yet) without custody and actions. */
const CaseHeader = ({ record }: { record: CaseDetail | CaseSummary }) => {
  const translate = useTranslate();
  const detail = isCaseDetail(record) ? record : null;
  return (
    <Card variant="outlined">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack direction={{ xs: 'column', xl: 'row' }} spacing={2} sx={{ justifyContent: 'space-between', alignItems: { xl: 'center' } }}>
          <Box>
            <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="h5" component="h1">
                {translate('resources.cases.title', { id: record.id })}
              </Typography>
              <CaseStatusChip status={record.status} />
              <RiskBandChip band={record.riskBand} score={record.riskScore} />
              <SlaChip record={record} />
            </Stack>
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              {record.maskedEmail}
            </Typography>
            {detail ? <Custody record={detail} /> : null}
          </Box>
          {detail ? <CaseActionBar /> : null}
        </Stack>
      </CardContent>
    </Card>
  );
};

/** Warnings a reviewer must see before anything else. */
const CaseBanners = ({ record }: { record: CaseDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const { permissions: role } = usePermissions<StaffRole>();
  const staffName = useStaffName();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.banners.${key}`, options);
  return (
    <>
      {record.ownAccount ? <Alert severity="error">{t('own_account')}</Alert> : null}
      {record.firstApproverId != null ? (
        <Alert severity="info">
          {t('first_approval', {
            name: staffName(record.firstApproverId, record.firstApproverName),
            date: formatDateTime(record.firstApprovedAt),
          })}
          {record.status === 'awaiting_second_approval' ? ` ${t('second_needed')}` : ''}
        </Alert>
      ) : null}
      {record.status === 'in_review' && record.riskBand === 'high' ? <Alert severity="warning">{t('four_eyes')}</Alert> : null}
      {record.account.status === 'frozen' ? <Alert severity="warning">{t('frozen')}</Alert> : null}
      {record.status === 'escalated' && role !== 'supervisor' && can(role, 'cases.work') ? <Alert severity="info">{t('escalated')}</Alert> : null}
    </>
  );
};

const isCaseDetail = (record: CaseDetail | CaseSummary | undefined): record is CaseDetail =>
  hasDetail<CaseDetail>(record, 'evidence', 'account', 'request', 'riskSignals', 'timeline', 'notes', 'relatedCases', 'availableActions');

const CaseView = () => {
  const record = useRecordContext<CaseDetail | CaseSummary>();
  const { permissions: role } = usePermissions<StaffRole>();
  const translate = useTranslate();
  if (!record) return <DetailLoading />;
  if (!isCaseDetail(record)) {
    return (
      <Stack spacing={2} sx={{ mt: 2, mb: 4 }}>
        <CaseHeader record={record} />
        <DetailLoading />
      </Stack>
    );
  }
  return (
    <Stack spacing={2} sx={{ mt: 2, mb: 4 }}>
      <CaseHeader record={record} />
      <CaseBanners record={record} />
      <Box
        sx={{
          display: 'grid',
          gap: 2,
          gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 3fr) minmax(0, 2fr)' },
          alignItems: 'start',
        }}
      >
        <Stack spacing={2} sx={{ minWidth: 0 }}>
          <Typography variant="overline" component="h2" sx={{ lineHeight: 1.5 }}>
            {translate('resources.cases.evidence.title')}
          </Typography>
          {record.evidence.length === 0 ? (
            <Alert severity="warning">{translate('resources.cases.evidence.none')}</Alert>
          ) : (
            record.evidence.map((evidence) => <EvidencePanel key={evidence.id} evidence={evidence} />)
          )}
          <RiskSignalsPanel signals={record.riskSignals} score={record.riskScore} band={record.riskBand} />
          <TimelinePanel entries={record.timeline} auditLink={can(role, 'audit.read') ? auditLinkFor(record.id) : undefined} />
        </Stack>
        <Stack spacing={2} sx={{ minWidth: 0 }}>
          <Typography variant="overline" component="h2" sx={{ lineHeight: 1.5 }}>
            {translate('resources.cases.account.heading')}
          </Typography>
          <AccountPanel account={record.account} />
          <RequestPanel request={record.request} />
          <NotesPanel record={record} />
          <RelatedCasesPanel record={record} />
        </Stack>
      </Box>
    </Stack>
  );
};

/**
 * One case on one screen. Each load is a view recorded in the audit trail, so
 * the page does not refetch on window focus; commands put their answer (the
 * fresh case) straight into the cache.
 */
export const CaseShow = () => (
  <Show title={<CaseTitle />} actions={false} component="div" queryOptions={{ refetchOnWindowFocus: false, refetchOnReconnect: false }}>
    <CaseView />
  </Show>
);
