import TimerIcon from '@mui/icons-material/TimerOutlined';
import WarningIcon from '@mui/icons-material/WarningAmber';
import MethodIcon from '@mui/icons-material/FilterList';
import { Card, CardContent } from '@mui/material';
import { FilterList, FilterListItem } from 'react-admin';
import { EVIDENCE_METHODS, RISK_BANDS } from './case-types';

/**
 * The queue's filter sidebar: one click to narrow by band, method or SLA on
 * top of the current view. On wide screens only (1536 px and up): below
 * that the table needs the width, and the filter form does the same.
 */
export const CaseFilterSidebar = () => (
  <Card
    sx={{
      display: { xs: 'none', xl: 'block' },
      order: -1,
      flex: '0 0 12em',
      mr: 2,
      mt: 2,
      alignSelf: 'flex-start',
    }}
  >
    <CardContent sx={{ pt: 1 }}>
      <FilterList label="resources.cases.fields.riskBand" icon={<WarningIcon />}>
        {RISK_BANDS.map((band) => (
          <FilterListItem key={band} label={`resources.cases.bands.${band}`} value={{ riskBand: band }} />
        ))}
      </FilterList>
      <FilterList label="resources.cases.fields.methods" icon={<MethodIcon />}>
        {EVIDENCE_METHODS.map((method) => (
          <FilterListItem key={method} label={`resources.cases.methods.${method}`} value={{ method }} />
        ))}
      </FilterList>
      <FilterList label="resources.cases.fields.slaDueAt" icon={<TimerIcon />}>
        <FilterListItem label="resources.cases.sla.filter_breached" value={{ slaBreached: 'true' }} />
        <FilterListItem label="resources.cases.sla.filter_not_breached" value={{ slaBreached: 'false' }} />
      </FilterList>
    </CardContent>
  </Card>
);
