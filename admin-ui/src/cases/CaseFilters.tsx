import { SearchInput, SelectInput, useTranslate, type SearchInputProps } from 'react-admin';
import { MultiSelectInput } from '../layout/MultiSelectInput';
import { caseStatusChoices, methodChoices, riskBandChoices } from './case-types';

const assigneeChoices = [
    { id: 'me', name: 'resources.cases.assignee.me' },
    { id: 'unassigned', name: 'resources.cases.assignee.unassigned' },
];

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
    <SelectInput key="assigneeId" source="assigneeId" choices={assigneeChoices} />,
    <SelectInput key="slaBreached" source="slaBreached" choices={slaChoices} />,
];
