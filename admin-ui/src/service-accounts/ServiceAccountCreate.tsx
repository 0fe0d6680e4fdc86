import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CheckboxGroupInput, Create, maxLength, minLength, regex, required, SimpleForm, TextInput, useNotify, useRedirect } from 'react-admin';
import { ServiceKeyDialog } from './ServiceKeyDialog';
import { serviceScopeChoices, type ServiceAccountRecord, type ServiceAccountWithKey } from './service-account-types';

const toCreatePayload = (data: Partial<ServiceAccountRecord>) => ({ name: data.name?.trim(), scopes: data.scopes ?? [] });

const validateName = [required(), maxLength(64), regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'resources.service-accounts.name_rule')];

export const ServiceAccountCreate = () => {
  const [issued, setIssued] = useState<{ name: string; key: string } | null>(null);
  const queryClient = useQueryClient();
  const notify = useNotify();
  const redirect = useRedirect();

  const onSuccess = (data: ServiceAccountWithKey) => {
    // react-admin caches a create's whole answer as the record: drop it so the key lives only in the dialog.
    queryClient.removeQueries({ queryKey: ['service-accounts', 'getOne'] });
    setIssued({ name: data.name, key: data.key });
  };

  const closeDialog = () => {
    setIssued(null);
    notify('ra.notification.created', { type: 'info', messageArgs: { smart_count: 1 } });
    redirect('list', 'service-accounts');
  };

  return (
    <>
      <Create transform={toCreatePayload} mutationOptions={{ onSuccess }}>
        <SimpleForm defaultValues={{ scopes: [] }}>
          <TextInput source="name" validate={validateName} helperText="resources.service-accounts.name_hint" />
          <CheckboxGroupInput source="scopes" choices={serviceScopeChoices} row={false} validate={[required(), minLength(1)]} />
        </SimpleForm>
      </Create>
      {issued ? <ServiceKeyDialog name={issued.name} apiKey={issued.key} onClose={closeDialog} /> : null}
    </>
  );
};
