import UnfreezeIcon from '@mui/icons-material/LockOpen';
import { DialogContentText, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialogButton, useCommandDialogForm } from '../layout/CommandDialogButton';
import type { RebindDataProvider } from '../dataProvider';
import { MIN_JUSTIFICATION } from './RevealButton';
import type { UserDetail } from './user-types';

/** A supervisor lifts a freeze after review, saying why (audited). */
export const UnfreezeButton = () => {
  const record = useRecordContext<UserDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.users.unfreeze.${key}`, options);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const form = useCommandDialogForm({ justification: '' });
  const mutation = useMutation<UserDetail, unknown, string>({
    mutationFn: (justification) => dataProvider.unfreezeUser(record!.id, justification),
    onSuccess: (detail) => {
      queryClient.setQueryData(['users', 'getOne', { id: String(detail.id) }], detail);
      void queryClient.invalidateQueries({ queryKey: ['users', 'getList'] });
      notify('resources.users.unfreeze.done', { type: 'success' });
      form.close();
    },
    onError: (failure) => {
      if (failure instanceof Error && (failure as { status?: number }).status === 400) return; // the dialog shows it
      notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
      void queryClient.invalidateQueries({ queryKey: ['users', 'getOne', { id: String(record?.id) }] });
      form.close();
    },
  });
  if (!record || record.status !== 'frozen') return null;
  const justification = form.values.justification.trim();
  return (
    <CommandDialogButton
      label="resources.users.unfreeze.button"
      icon={<UnfreezeIcon />}
      variant="contained"
      form={form}
      mutation={mutation}
      title={t('title', { id: record.id })}
      confirmLabel={t('confirm')}
      canSubmit={justification.length >= MIN_JUSTIFICATION}
      onSubmit={() => mutation.mutate(justification)}
    >
      <DialogContentText>{t('effect')}</DialogContentText>
      <TextField
        autoFocus
        fullWidth
        multiline
        minRows={2}
        required
        label={translate('resources.users.reveal.justification')}
        helperText={translate('resources.users.reveal.justification_hint', { smart_count: MIN_JUSTIFICATION })}
        value={form.values.justification}
        onChange={(event) => form.setValue('justification', event.target.value)}
        slotProps={{ htmlInput: { maxLength: 500 } }}
      />
    </CommandDialogButton>
  );
};
