import ClaimIcon from '@mui/icons-material/AssignmentInd';
import { Button, useRecordContext, useRedirect } from 'react-admin';
import type { CaseSummary } from './case-types';
import { useCaseCommand } from './useCaseCommand';

/**
 * Takes the case (submitted, a lapsed claim, or escalated for supervisors).
 * From the queue it opens the case once it is yours.
 */
export const ClaimButton = ({ openAfterClaim = false }: { openAfterClaim?: boolean }) => {
  const record = useRecordContext<CaseSummary>();
  const redirect = useRedirect();
  const { mutate, isPending } = useCaseCommand(record, {
    onDone: (detail) => {
      if (detail && openAfterClaim) redirect('show', 'cases', detail.id);
    },
  });
  if (!record) return null;
  return (
    <Button
      label="resources.cases.actions.claim"
      variant={openAfterClaim ? 'outlined' : 'contained'}
      size="small"
      disabled={isPending}
      onClick={(event) => {
        event.stopPropagation(); // not the row's click
        mutate({ action: 'claim', body: {} });
      }}
    >
      <ClaimIcon />
    </Button>
  );
};
