import ApproveIcon from '@mui/icons-material/CheckCircleOutlined';
import { Alert, DialogContentText } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import { useStaffName } from '../../staff-directory/useStaffDirectory';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { DecisionNoteField } from './DecisionNoteField';
import { CommandDialogButton, useCommandDialogForm } from '../../layout/CommandDialogButton';

/**
 * Approve, after a confirmation that says what follows: for a high-risk case
 * in review, this is the first of two approvals; otherwise the user's old 2FA
 * tools and sessions are revoked and a rebind link goes out.
 */
export const ApproveButton = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.approve.${key}`, options);
  const formatDateTime = useFormatDateTime();
  const staffName = useStaffName();
  const form = useCommandDialogForm({ note: '' });
  const mutation = useCaseCommand(record, { onDone: form.close });
  if (!record) return null;
  const firstOfTwo = record.status === 'in_review' && record.riskBand === 'high';
  const secondApproval = record.status === 'awaiting_second_approval';
  const note = form.values.note.trim();
  return (
    <CommandDialogButton
      label="resources.cases.actions.approve"
      icon={<ApproveIcon />}
      variant="contained"
      color="success"
      form={form}
      mutation={mutation}
      title={t(secondApproval ? 'title_second' : 'title', { id: record.id })}
      confirmLabel={t(firstOfTwo ? 'confirm_first' : 'confirm')}
      confirmColor="success"
      onSubmit={() => mutation.mutate({ action: 'approve', body: note ? { note } : {} })}
    >
      {secondApproval ? (
        <Alert severity="info">
          {t('first_given', {
            name: staffName(record.firstApproverId, record.firstApproverName),
            date: formatDateTime(record.firstApprovedAt),
          })}
        </Alert>
      ) : null}
      <DialogContentText>{t(firstOfTwo ? 'effect_first' : 'effect')}</DialogContentText>
      <DecisionNoteField label={t('note')} helperText={t('note_hint')} value={form.values.note} onChange={(value) => form.setValue('note', value)} />
    </CommandDialogButton>
  );
};
