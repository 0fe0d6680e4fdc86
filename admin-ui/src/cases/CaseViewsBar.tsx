import { Chip, Stack } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';
import { activeViewOf, CASE_VIEWS, DEFAULT_CASE_SORT, type CaseView } from './case-views';

/**
 * The saved views as a row of toggle chips above the queue: keyboard-reachable
 * buttons that fit a tablet as well as a laptop. A view replaces the filters.
 */
export const CaseViewsBar = () => {
  const { filterValues, setFilters, sort, setSort } = useListContext();
  const translate = useTranslate();
  const active = activeViewOf(filterValues);
  const apply = (view: CaseView) => {
    setFilters(view.filter(Date.now()), {}, false);
    const wanted = view.sort ?? DEFAULT_CASE_SORT;
    if (sort.field !== wanted.field || sort.order !== wanted.order) setSort({ ...wanted });
  };
  return (
    <Stack
      direction="row"
      spacing={1}
      useFlexGap
      role="toolbar"
      aria-label={translate('resources.cases.views.label')}
      sx={{ flexWrap: 'wrap', px: 2, py: 1.5 }}
    >
      {CASE_VIEWS.map((view) => {
        const selected = active?.id === view.id;
        return (
          <Chip
            key={view.id}
            label={translate(`resources.cases.views.${view.id}`)}
            color={selected ? 'primary' : 'default'}
            variant={selected ? 'filled' : 'outlined'}
            aria-pressed={selected}
            onClick={() => apply(view)}
          />
        );
      })}
    </Stack>
  );
};
