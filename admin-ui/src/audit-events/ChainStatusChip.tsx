import type { ReactNode } from 'react';
import GppBadIcon from '@mui/icons-material/GppBad';
import ReportProblemIcon from '@mui/icons-material/ReportProblem';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { Chip, CircularProgress, Tooltip } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useDataProvider, useTranslate } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';

/**
 * Whether the audit log's hash chain is intact, from GET /audit-events/verify.
 * The check walks the whole log, so it is not repeated on every focus; a click
 * (or react-admin's refresh button) runs it again.
 */
export const ChainStatusChip = () => {
  const dataProvider = useDataProvider<RebindDataProvider>();
  const translate = useTranslate();
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: ['audit-events', 'verify'],
    queryFn: () => dataProvider.verifyAuditChain(),
    staleTime: 60_000,
    refetchOnWindowFocus: false,
    retry: false,
  });

  const recheck = () => {
    void refetch();
  };

  if (isPending || (isFetching && !data)) {
    return <Chip size="small" variant="outlined" icon={<CircularProgress size={14} />} label={translate('resources.audit-events.chain.checking')} />;
  }

  let chip: ReactNode;
  if (error || !data) {
    chip = <Chip size="small" color="warning" icon={<ReportProblemIcon />} label={translate('resources.audit-events.chain.unavailable')} onClick={recheck} />;
  } else if (data.ok) {
    chip = (
      <Chip
        size="small"
        color="success"
        icon={<VerifiedUserIcon />}
        label={translate('resources.audit-events.chain.intact', { smart_count: data.count })}
        onClick={recheck}
        disabled={isFetching}
      />
    );
  } else {
    chip = (
      <Chip
        size="small"
        color="error"
        icon={<GppBadIcon />}
        label={translate('resources.audit-events.chain.broken', {
          id: data.firstBadEventId,
          // Known problems may get a translation; otherwise the server's word.
          problem: translate(`resources.audit-events.chain.problems.${data.problem}`, {
            _: data.problem,
          }),
        })}
        onClick={recheck}
        disabled={isFetching}
      />
    );
  }
  return (
    <Tooltip title={translate('resources.audit-events.chain.recheck')}>
      <span>{chip}</span>
    </Tooltip>
  );
};
