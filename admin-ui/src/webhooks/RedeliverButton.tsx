import ReplayIcon from '@mui/icons-material/Replay';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';
import type { WebhookDeliveryRecord } from './webhook-types';

/** Sends one delivery again now, on a fresh retry schedule (audited, logged as manual). */
export const RedeliverButton = () => {
  const record = useRecordContext<WebhookDeliveryRecord>();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const mutation = useMutation({
    mutationFn: (id: number) => dataProvider.redeliverWebhook(id),
    onSuccess: () => {
      notify('resources.webhook-deliveries.redeliver.done', { type: 'success' });
      void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries'] });
    },
    onError: (failure) => notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' }),
  });
  if (!record || record.status === 'sending') return null;
  return (
    <Button
      label="resources.webhook-deliveries.redeliver.button"
      disabled={mutation.isPending}
      onClick={(event) => {
        event.stopPropagation();
        mutation.mutate(record.id);
      }}
    >
      <ReplayIcon />
    </Button>
  );
};
