import RotateIcon from '@mui/icons-material/Autorenew';
import { DialogContentText } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialogButton, useCommandDialogForm } from '../layout/CommandDialogButton';
import type { RebindDataProvider } from '../dataProvider';
import { WebhookSecretDialog } from './WebhookSecretDialog';
import type { WebhookEndpointRecord, WebhookEndpointWithSecret } from './webhook-types';

/** A new signing secret, shown once; the old one keeps signing beside it for 24 hours. */
export const RotateSecretButton = () => {
  const record = useRecordContext<WebhookEndpointRecord>();
  const translate = useTranslate();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const form = useCommandDialogForm({});
  const [secret, setSecret] = useState<string | null>(null);
  const mutation = useMutation<WebhookEndpointWithSecret, unknown, void>({
    mutationFn: () => dataProvider.rotateWebhookSecret(record!.id),
    onSuccess: ({ secret: issued }) => {
      void queryClient.invalidateQueries({ queryKey: ['webhook-endpoints'] });
      form.close();
      setSecret(issued);
    },
    onError: (failure) => {
      notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
      form.close();
    },
  });
  if (!record) return null;
  return (
    <>
      <CommandDialogButton
        label="resources.webhook-endpoints.rotate.button"
        icon={<RotateIcon />}
        form={form}
        mutation={mutation}
        title={translate('resources.webhook-endpoints.rotate.title')}
        confirmLabel={translate('resources.webhook-endpoints.rotate.confirm')}
        canSubmit
        onSubmit={() => mutation.mutate()}
      >
        <DialogContentText>{translate('resources.webhook-endpoints.rotate.effect')}</DialogContentText>
      </CommandDialogButton>
      {secret ? <WebhookSecretDialog secret={secret} url={record.url} onClose={() => setSecret(null)} /> : null}
    </>
  );
};
