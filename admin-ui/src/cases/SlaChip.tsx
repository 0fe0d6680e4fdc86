import { Chip, Tooltip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { formatDuration } from '../layout/duration';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { useNow } from '../layout/useNow';
import { isOpenStatus, type CaseSummary } from './case-types';

/** "At risk": due within two hours, as the server's stats count it. */
export const SLA_AT_RISK_MS = 2 * 3_600_000;

export type SlaState = 'overdue' | 'at_risk' | 'on_track' | 'closed';

export const slaStateOf = (record: Pick<CaseSummary, 'status' | 'slaDueAt'>, now: number): { state: SlaState; msLeft: number | null } => {
  if (!record.slaDueAt || !isOpenStatus(record.status)) return { state: 'closed', msLeft: null };
  const msLeft = Date.parse(record.slaDueAt) - now;
  if (msLeft < 0) return { state: 'overdue', msLeft };
  return { state: msLeft <= SLA_AT_RISK_MS ? 'at_risk' : 'on_track', msLeft };
};

/** The SLA deadline as time left (or overdue, in red); nothing once the case has left the queue. */
export const SlaChip = ({ record }: { record: Pick<CaseSummary, 'status' | 'slaDueAt'> }) => {
  const translate = useTranslate();
  const now = useNow();
  const formatDateTime = useFormatDateTime();
  const { state, msLeft } = slaStateOf(record, now);
  if (state === 'closed' || msLeft === null) return null;
  const duration = formatDuration(msLeft, translate);
  const label = translate(`resources.cases.sla.${state}`, { duration });
  return (
    <Tooltip title={translate('resources.cases.sla.due', { date: formatDateTime(record.slaDueAt) })}>
      <Chip
        size="small"
        color={state === 'overdue' ? 'error' : state === 'at_risk' ? 'warning' : 'default'}
        variant={state === 'on_track' ? 'outlined' : 'filled'}
        label={label}
        sx={{ fontVariantNumeric: 'tabular-nums' }}
      />
    </Tooltip>
  );
};

export const SlaField = () => {
  const record = useRecordContext<CaseSummary>();
  return record ? <SlaChip record={record} /> : null;
};
