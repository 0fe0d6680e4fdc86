import { BooleanInput, Edit, Labeled, required, SaveButton, SelectInput, SimpleForm, TextInput, Toolbar } from 'react-admin';
import { Stack } from '@mui/material';
import { staffRoleChoices } from '../roles';
import type { StaffRecord } from './staff-types';
import { DateTimeField } from '../layout/DateTimeField';

// PUT /staff/:id takes these three only; simple-rest would send the whole record.
const toUpdatePayload = (data: Partial<StaffRecord>) => ({
  name: data.name?.trim(),
  role: data.role,
  disabled: Boolean(data.disabled),
});

// No delete: staff accounts are disabled, never removed (the audit log names them).
const StaffEditToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

export const StaffEdit = () => (
  // Pessimistic: a role change must not look done before the server agrees.
  <Edit mutationMode="pessimistic" transform={toUpdatePayload}>
    <SimpleForm toolbar={<StaffEditToolbar />}>
      <TextInput source="email" readOnly />
      <TextInput source="name" validate={required()} />
      <SelectInput source="role" choices={staffRoleChoices} validate={required()} />
      <BooleanInput source="disabled" />
      <Stack direction="row" spacing={4}>
        <Labeled>
          <DateTimeField source="createdAt" />
        </Labeled>
        <Labeled>
          <DateTimeField source="lastLoginAt" emptyText="resources.staff.never_signed_in" />
        </Labeled>
      </Stack>
    </SimpleForm>
  </Edit>
);
