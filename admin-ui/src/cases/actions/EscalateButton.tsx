import EscalateIcon from '@mui/icons-material/MoveUp';
import { DialogContentText, TextField } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialogButton, useCommandDialogForm } from '../../layout/CommandDialogButton';

/** Hand the case to supervisors, saying why (an internal note). */
export const EscalateButton = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.escalate.${key}`, options);
  const form = useCommandDialogForm({ note: '' });
  const mutation = useCaseCommand(record, { onDone: form.close });
  if (!record) return null;
  const note = form.values.note.trim();
  return (
    <CommandDialogButton
      label="resources.cases.actions.escalate"
      icon={<EscalateIcon />}
      form={form}
      mutation={mutation}
      title={t('title', { id: record.id })}
      confirmLabel={t('confirm')}
      canSubmit={Boolean(note)}
      onSubmit={() => mutation.mutate({ action: 'escalate', body: { note } })}
    >
      <DialogContentText>{t('effect')}</DialogContentText>
      <TextField
        autoFocus
        fullWidth
        multiline
        minRows={3}
        required
        label={t('note')}
        value={form.values.note}
        onChange={(event) => form.setValue('note', event.target.value)}
        slotProps={{ htmlInput: { maxLength: 2000 } }}
      />
    </CommandDialogButton>
  );
};
