import { useGetIdentity, useRecordContext, useTranslate } from 'react-admin';
import type { CaseSummary } from './case-types';

/**
 * Who holds the case: "Me", "Unassigned" or "#id". Agents cannot read the
 * staff list, so the list shows ids; the case view has the name.
 */
export const AssigneeField = () => {
    const record = useRecordContext<CaseSummary>();
    const translate = useTranslate();
    const { identity } = useGetIdentity();
    if (!record) return null;
    if (record.assigneeId == null) return <>{translate('resources.cases.assignee.unassigned')}</>;
    if (identity && String(identity.id) === String(record.assigneeId)) {
        return <strong>{translate('resources.cases.assignee.me')}</strong>;
    }
    return <>{translate('resources.cases.assignee.someone', { id: record.assigneeId })}</>;
};
