import RequestInfoIcon from '@mui/icons-material/HelpOutlineOutlined';
import { DialogContentText, TextField } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialogButton, useCommandDialogForm } from '../../layout/CommandDialogButton';
import { ReasonCodeSelect } from './ReasonCodeSelect';

/** Ask the user for more information: a reason code and a message they will read. */
export const RequestInfoButton = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.request_info.${key}`, options);
  const form = useCommandDialogForm({ reasonCode: '', message: '' });
  const mutation = useCaseCommand(record, { onDone: form.close });
  if (!record) return null;
  const { reasonCode } = form.values;
  const message = form.values.message.trim();
  return (
    <CommandDialogButton
      label="resources.cases.actions.request-info"
      icon={<RequestInfoIcon />}
      form={form}
      mutation={mutation}
      title={t('title', { id: record.id })}
      confirmLabel={t('confirm')}
      canSubmit={Boolean(reasonCode && message)}
      onSubmit={() => mutation.mutate({ action: 'request-info', body: { reasonCode, message } })}
    >
      <DialogContentText>{t('effect')}</DialogContentText>
      <ReasonCodeSelect kind="request_info" value={reasonCode} onChange={(code) => form.setValue('reasonCode', code?.code ?? '')} />
      <TextField
        fullWidth
        multiline
        minRows={3}
        required
        label={t('message')}
        helperText={t('message_hint')}
        value={form.values.message}
        onChange={(event) => form.setValue('message', event.target.value)}
        slotProps={{ htmlInput: { maxLength: 2000 } }}
      />
    </CommandDialogButton>
  );
};
