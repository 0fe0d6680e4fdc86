import { useGetIdentity, useRecordContext, useTranslate } from 'react-admin';
import { StaffName } from '../staff-directory/StaffName';
import type { CaseSummary } from './case-types';

/** Who holds the case: "Me", "Unassigned" or the colleague's name (from the staff directory). */
export const AssigneeField = () => {
  const record = useRecordContext<CaseSummary>();
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  if (!record) return null;
  if (record.assigneeId == null) return <>{translate('resources.cases.assignee.unassigned')}</>;
  if (identity && String(identity.id) === String(record.assigneeId)) {
    return <strong>{translate('resources.cases.assignee.me')}</strong>;
  }
  return <StaffName id={record.assigneeId} />;
};
