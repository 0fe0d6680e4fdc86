import { Chip } from '@mui/material';
import { useTranslate } from 'react-admin';
import { FactList, MONOSPACE, Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { CaseRequestFacts } from '../case-types';

const SeenChip = ({ seen }: { seen: boolean | null }) => {
  const translate = useTranslate();
  if (seen === null) return null;
  return (
    <Chip
      size="small"
      sx={{ ml: 1 }}
      color={seen ? 'success' : 'warning'}
      variant="outlined"
      label={translate(seen ? 'resources.cases.request.seen_before' : 'resources.cases.request.never_seen')}
    />
  );
};

/** Where the request came from, and whether the account has been seen there before. */
export const RequestPanel = ({ request }: { request: CaseRequestFacts }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string) => translate(`resources.cases.request.${key}`);
  return (
    <Panel title={t('title')}>
      <FactList
        facts={[
          [t('email_verified'), request.emailVerifiedAt ? formatDateTime(request.emailVerifiedAt) : t('email_not_verified')],
          [
            t('ip'),
            <>
              <span style={MONOSPACE}>{request.ip ?? '–'}</span>
              <SeenChip seen={request.ipSeenBefore} />
            </>,
          ],
          [
            t('device'),
            <>
              <span style={MONOSPACE}>{request.deviceId ?? '–'}</span>
              <SeenChip seen={request.deviceSeenBefore} />
            </>,
          ],
          [t('user_agent'), request.userAgent ?? '–'],
        ]}
      />
    </Panel>
  );
};
