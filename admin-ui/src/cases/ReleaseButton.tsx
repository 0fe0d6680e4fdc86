import ReleaseIcon from '@mui/icons-material/AssignmentReturn';
import { Button, useRecordContext } from 'react-admin';
import type { CaseDetail } from './case-types';
import { useCaseCommand } from './useCaseCommand';

/** Gives the case back to the queue (supervisors can release anyone's claim). */
export const ReleaseButton = () => {
  const record = useRecordContext<CaseDetail>();
  const { mutate, isPending } = useCaseCommand(record);
  return (
    <Button label="resources.cases.actions.release" disabled={isPending} onClick={() => mutate({ action: 'release', body: {} })}>
      <ReleaseIcon />
    </Button>
  );
};
