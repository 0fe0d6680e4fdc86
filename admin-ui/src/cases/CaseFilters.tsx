import { SearchInput, SelectInput, useTranslate, type SearchInputProps, type SelectInputProps } from 'react-admin';
import { MultiSelectInput } from '../layout/MultiSelectInput';
import { useStaffDirectory } from '../staff-directory/useStaffDirectory';
import { caseStatusChoices, methodChoices, riskBandChoices } from './case-types';

/**
 * "Me", "Unassigned", then every colleague who works cases, by name (the Team
 * page links here with an assignee id). Names are not translation keys.
 */
const AssigneeFilterInput = (props: SelectInputProps) => {
  const translate = useTranslate();
  const { entries } = useStaffDirectory();
  const choices = [
    { id: 'me', name: translate('resources.cases.assignee.me') },
    { id: 'unassigned', name: translate('resources.cases.assignee.unassigned') },
    ...entries.filter((entry) => entry.role === 'agent' || entry.role === 'supervisor').map((entry) => ({ id: String(entry.id), name: entry.name })),
  ];
  return <SelectInput {...props} choices={choices} translateChoice={false} />;
};

const slaChoices = [
  { id: 'true', name: 'resources.cases.sla.filter_breached' },
  { id: 'false', name: 'resources.cases.sla.filter_not_breached' },
];

/** react-admin passes a custom placeholder through untranslated. */
const CaseSearchInput = (props: SearchInputProps) => {
  const translate = useTranslate();
  return <SearchInput {...props} placeholder={translate('resources.cases.search_placeholder')} />;
};

/** The filter form of the queue: what the server's GET /cases filters on. */
export const caseFilters = [
  <CaseSearchInput key="q" source="q" alwaysOn />,
  <MultiSelectInput key="status" source="status" choices={caseStatusChoices} />,
  <MultiSelectInput key="riskBand" source="riskBand" choices={riskBandChoices} />,
  <SelectInput key="method" source="method" choices={methodChoices} />,
  <AssigneeFilterInput key="assigneeId" source="assigneeId" />,
  <SelectInput key="slaBreached" source="slaBreached" choices={slaChoices} />,
];
