import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Create, email, required, SelectInput, SimpleForm, TextInput, useNotify, useRedirect } from 'react-admin';
import { staffRoleChoices } from '../roles';
import { StaffCredentialsDialog } from './StaffCredentialsDialog';
import type { OneTimeStaffCredentials, StaffRecord } from './staff-types';

// Only these go to POST /staff; the server issues the password and TOTP secret.
const toCreatePayload = (data: Partial<StaffRecord>) => ({
  email: data.email?.trim(),
  name: data.name?.trim(),
  role: data.role,
});

export const StaffCreate = () => {
  const [issued, setIssued] = useState<{
    staff: StaffRecord;
    credentials: OneTimeStaffCredentials;
  } | null>(null);
  const queryClient = useQueryClient();
  const notify = useNotify();
  const redirect = useRedirect();

  const onSuccess = (data: StaffRecord & OneTimeStaffCredentials) => {
    const { password, totpSecret, otpauthUri, qrDataUrl, ...staff } = data;
    // react-admin caches a create's whole answer as the record; drop it so
    // the secrets live only in this dialog's state, and refetch the record.
    queryClient.removeQueries({ queryKey: ['staff', 'getOne'] });
    setIssued({ staff, credentials: { password, totpSecret, otpauthUri, qrDataUrl } });
  };

  const closeDialog = () => {
    setIssued(null);
    notify('ra.notification.created', { type: 'info', messageArgs: { smart_count: 1 } });
    redirect('list', 'staff');
  };

  return (
    <>
      <Create transform={toCreatePayload} mutationOptions={{ onSuccess }}>
        <SimpleForm defaultValues={{ role: 'agent' }}>
          <TextInput source="email" type="email" validate={[required(), email()]} />
          <TextInput source="name" validate={required()} />
          <SelectInput source="role" choices={staffRoleChoices} validate={required()} />
        </SimpleForm>
      </Create>
      {issued ? <StaffCredentialsDialog staff={issued.staff} credentials={issued.credentials} onClose={closeDialog} /> : null}
    </>
  );
};
