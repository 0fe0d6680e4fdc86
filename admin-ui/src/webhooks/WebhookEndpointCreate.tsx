import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { BooleanInput, CheckboxGroupInput, Create, maxLength, required, SimpleForm, TextInput, useNotify, useRedirect } from 'react-admin';
import { WebhookSecretDialog } from './WebhookSecretDialog';
import { eventTypeChoices, type WebhookEndpointRecord, type WebhookEndpointWithSecret } from './webhook-types';

const URL_SHAPE = (value: string) => (value && !/^https?:\/\/\S+$/.test(value.trim()) ? 'resources.webhook-endpoints.url_shape' : undefined);

// Only these go to POST /webhook-endpoints; the server makes the secret.
export const toEndpointPayload = (data: Partial<WebhookEndpointRecord>) => ({
  url: data.url?.trim(),
  description: data.description?.trim() ?? '',
  eventTypes: data.eventTypes ?? [],
  enabled: data.enabled ?? true,
});

export const WebhookEndpointCreate = () => {
  const [issued, setIssued] = useState<{ secret: string; url: string } | null>(null);
  const queryClient = useQueryClient();
  const notify = useNotify();
  const redirect = useRedirect();
  const onSuccess = (data: WebhookEndpointWithSecret) => {
    // The cached record must not keep the secret: only the dialog's state holds it.
    queryClient.removeQueries({ queryKey: ['webhook-endpoints', 'getOne'] });
    setIssued({ secret: data.secret, url: data.url });
  };
  const close = () => {
    setIssued(null);
    notify('ra.notification.created', { type: 'info', messageArgs: { smart_count: 1 } });
    redirect('list', 'webhook-endpoints');
  };
  return (
    <>
      <Create transform={toEndpointPayload} mutationOptions={{ onSuccess }}>
        <SimpleForm defaultValues={{ enabled: true, eventTypes: [] }}>
          <TextInput source="url" validate={[required(), URL_SHAPE]} helperText="resources.webhook-endpoints.url_hint" fullWidth />
          <TextInput source="description" validate={maxLength(200)} fullWidth />
          <CheckboxGroupInput
            source="eventTypes"
            choices={eventTypeChoices}
            translateChoice={false}
            helperText="resources.webhook-endpoints.event_types_hint"
          />
          <BooleanInput source="enabled" />
        </SimpleForm>
      </Create>
      {issued ? <WebhookSecretDialog secret={issued.secret} url={issued.url} onClose={close} /> : null}
    </>
  );
};
