import { BooleanInput, Edit, maxLength, minLength, required, SaveButton, SelectInput, SimpleForm, TextInput, Toolbar } from 'react-admin';
import { reasonCodeKindChoices } from './reason-code-kinds';

// PUT takes only these; the code and its kind are fixed once created.
const toUpdatePayload = (data: { label?: string; userMessage?: string; active?: boolean }) => ({
  label: data.label?.trim(),
  userMessage: data.userMessage?.trim(),
  active: data.active,
});

const EditToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

export const ReasonCodeEdit = () => (
  <Edit transform={toUpdatePayload} mutationMode="pessimistic" redirect="list">
    <SimpleForm toolbar={<EditToolbar />}>
      <TextInput source="code" disabled />
      <SelectInput source="kind" choices={reasonCodeKindChoices} disabled />
      <TextInput source="label" validate={[required(), minLength(2), maxLength(120)]} fullWidth />
      <TextInput
        source="userMessage"
        validate={[required(), minLength(2), maxLength(500)]}
        multiline
        fullWidth
        helperText="resources.reason-codes.user_message_hint"
      />
      <BooleanInput source="active" helperText="resources.reason-codes.active_hint" />
    </SimpleForm>
  </Edit>
);
