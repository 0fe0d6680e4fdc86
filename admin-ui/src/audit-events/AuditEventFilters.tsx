import { DateTimeInput, SearchInput, SelectInput, TextInput } from 'react-admin';
import { actorTypeChoices } from './actor-types';

// <input type="datetime-local"> gives local time without a zone; the API
// filters on ISO instants.
const toIsoTimestamp = (value: string): string | null => {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

export const auditEventFilters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <TextInput key="action" source="action" />,
  <SelectInput key="actorType" source="actorType" choices={actorTypeChoices} />,
  <TextInput key="actorId" source="actorId" />,
  <TextInput key="targetType" source="targetType" />,
  <TextInput key="targetId" source="targetId" />,
  <DateTimeInput key="ts_gte" source="ts_gte" parse={toIsoTimestamp} />,
  <DateTimeInput key="ts_lte" source="ts_lte" parse={toIsoTimestamp} />,
];
