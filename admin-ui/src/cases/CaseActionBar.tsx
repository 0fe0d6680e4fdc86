import { Stack } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { ApproveButton } from './actions/ApproveButton';
import { AssignButton } from './actions/AssignButton';
import { EscalateButton } from './actions/EscalateButton';
import { RejectButton } from './actions/RejectButton';
import { RequestInfoButton } from './actions/RequestInfoButton';
import type { CaseDetail } from './case-types';
import { ClaimButton } from './ClaimButton';
import { ReleaseButton } from './ReleaseButton';

/**
 * Only the actions the server says this person may take on this case now
 * (`availableActions`); the server checks again on every command.
 */
export const CaseActionBar = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  if (!record) return null;
  const has = (action: CaseDetail['availableActions'][number]) => record.availableActions.includes(action);
  const any = ['claim', 'release', 'approve', 'reject', 'request-info', 'escalate', 'assign'].some((action) =>
    has(action as CaseDetail['availableActions'][number]),
  );
  if (!any) return null;
  return (
    <Stack
      direction="row"
      spacing={1}
      useFlexGap
      role="toolbar"
      aria-label={translate('resources.cases.actions.label')}
      sx={{ flexWrap: 'wrap', alignItems: 'center' }}
    >
      {has('claim') ? <ClaimButton /> : null}
      {has('approve') ? <ApproveButton /> : null}
      {has('reject') ? <RejectButton /> : null}
      {has('request-info') ? <RequestInfoButton /> : null}
      {has('escalate') ? <EscalateButton /> : null}
      {has('release') ? <ReleaseButton /> : null}
      {has('assign') ? <AssignButton /> : null}
    </Stack>
  );
};
