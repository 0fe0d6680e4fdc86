import { Chip, type ChipProps } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseStatus, CaseSummary } from './case-types';

const STATUS_STYLE: Record<CaseStatus, { color: ChipProps['color']; variant: ChipProps['variant'] }> = {
  draft: { color: 'default', variant: 'outlined' },
  submitted: { color: 'primary', variant: 'outlined' },
  in_review: { color: 'primary', variant: 'filled' },
  info_requested: { color: 'info', variant: 'outlined' },
  escalated: { color: 'secondary', variant: 'filled' },
  awaiting_second_approval: { color: 'warning', variant: 'outlined' },
  approved: { color: 'success', variant: 'filled' },
  rejected: { color: 'error', variant: 'outlined' },
  completed: { color: 'success', variant: 'outlined' },
  expired: { color: 'default', variant: 'outlined' },
  abandoned: { color: 'default', variant: 'outlined' },
  cancelled: { color: 'default', variant: 'outlined' },
};

export const CaseStatusChip = ({ status }: { status: CaseStatus }) => {
  const translate = useTranslate();
  const style = STATUS_STYLE[status] ?? STATUS_STYLE.draft;
  return <Chip size="small" color={style.color} variant={style.variant} label={translate(`resources.cases.statuses.${status}`, { _: status })} />;
};

export const CaseStatusField = () => {
  const record = useRecordContext<CaseSummary>();
  return record ? <CaseStatusChip status={record.status} /> : null;
};
