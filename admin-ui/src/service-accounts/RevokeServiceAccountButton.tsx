import RevokeIcon from '@mui/icons-material/Block';
import { DialogContentText } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialogButton, useCommandDialogForm } from '../layout/CommandDialogButton';
import type { RebindDataProvider } from '../dataProvider';
import type { ServiceAccountRecord } from './service-account-types';

/** Revokes the account and all its keys at once: the next call with any of them is refused. */
export const RevokeServiceAccountButton = () => {
  const record = useRecordContext<ServiceAccountRecord>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.service-accounts.revoke.${key}`, options);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const form = useCommandDialogForm({});
  const mutation = useMutation<ServiceAccountRecord, unknown, void>({
    mutationFn: () => dataProvider.revokeServiceAccount(record!.id),
    onSuccess: () => {
      form.close();
      notify('resources.service-accounts.revoke.done', { type: 'success' });
      void queryClient.invalidateQueries({ queryKey: ['service-accounts'] });
    },
    onError: (failure) => {
      notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
      form.close();
    },
  });
  if (!record || record.status !== 'active') return null;
  return (
    <CommandDialogButton
      label="resources.service-accounts.revoke.button"
      icon={<RevokeIcon />}
      color="error"
      form={form}
      mutation={mutation}
      title={t('title', { name: record.name })}
      confirmLabel={t('confirm')}
      confirmColor="error"
      onSubmit={() => mutation.mutate()}
    >
      <DialogContentText>{t('effect')}</DialogContentText>
    </CommandDialogButton>
  );
};
