import { Create, maxLength, minLength, regex, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { reasonCodeKindChoices } from './reason-code-kinds';

const CODE_SHAPE = regex(/^[a-z0-9_]{2,60}$/, 'resources.reason-codes.code_shape');

export const ReasonCodeCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ kind: 'reject' }}>
      <TextInput source="code" validate={[required(), CODE_SHAPE]} helperText="resources.reason-codes.code_hint" />
      <SelectInput source="kind" choices={reasonCodeKindChoices} validate={required()} />
      <TextInput source="label" validate={[required(), minLength(2), maxLength(120)]} fullWidth />
      <TextInput
        source="userMessage"
        validate={[required(), minLength(2), maxLength(500)]}
        multiline
        fullWidth
        helperText="resources.reason-codes.user_message_hint"
      />
    </SimpleForm>
  </Create>
);
