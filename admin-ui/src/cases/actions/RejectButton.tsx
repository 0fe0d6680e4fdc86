import RejectIcon from '@mui/icons-material/HighlightOff';
import { DialogContentText } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { DecisionNoteField } from './DecisionNoteField';
import { CommandDialogButton, useCommandDialogForm } from '../../layout/CommandDialogButton';
import { ReasonCodeSelect } from './ReasonCodeSelect';

/** Reject with a reason code (the user is told its category) and an optional internal note. */
export const RejectButton = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.reject.${key}`, options);
  const form = useCommandDialogForm({ reasonCode: '', note: '' });
  const mutation = useCaseCommand(record, { onDone: form.close });
  if (!record) return null;
  const { reasonCode } = form.values;
  const note = form.values.note.trim();
  return (
    <CommandDialogButton
      label="resources.cases.actions.reject"
      icon={<RejectIcon />}
      variant="outlined"
      color="error"
      form={form}
      mutation={mutation}
      title={t('title', { id: record.id })}
      confirmLabel={t('confirm')}
      confirmColor="error"
      canSubmit={Boolean(reasonCode)}
      onSubmit={() => mutation.mutate({ action: 'reject', body: { reasonCode, ...(note ? { note } : {}) } })}
    >
      <DialogContentText>{t('effect')}</DialogContentText>
      <ReasonCodeSelect kind="reject" value={reasonCode} onChange={(code) => form.setValue('reasonCode', code?.code ?? '')} />
      <DecisionNoteField label={t('note')} helperText={t('note_hint')} value={form.values.note} onChange={(value) => form.setValue('note', value)} />
    </CommandDialogButton>
  );
};
