import { Alert, Chip, Stack, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { CaseDetail } from '../case-types';
import { CaseStatusChip } from '../CaseStatusChip';

/** Other cases of the account, or from the same IP or device, and transaction ids seen elsewhere. */
export const RelatedCasesPanel = ({ record }: { record: CaseDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.related.${key}`, options);
  return (
    <Panel title={t('title')}>
      {record.txidOnOtherCases.length > 0 ? (
        <Alert severity="error" sx={{ mb: 1.5 }}>
          {t('txid_elsewhere')}{' '}
          {record.txidOnOtherCases.map((hit, index) => (
            <span key={`${hit.caseId}-${index}`}>
              {index > 0 ? ', ' : ''}
              <Link to={`/cases/${hit.caseId}/show`}>#{hit.caseId}</Link>
            </span>
          ))}
        </Alert>
      ) : null}
      {record.relatedCases.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('none')}
        </Typography>
      ) : (
        <Stack component="ul" spacing={1} sx={{ m: 0, p: 0, listStyle: 'none' }}>
          {record.relatedCases.map((related) => (
            <Stack component="li" key={related.id} direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', fontSize: '0.875rem' }}>
              <Link to={`/cases/${related.id}/show`}>#{related.id}</Link>
              <CaseStatusChip status={related.status} />
              <span>{related.maskedEmail}</span>
              {related.sameAccount ? <Chip size="small" label={t('same_account')} /> : null}
              {related.sameIp ? <Chip size="small" color="warning" label={t('same_ip')} /> : null}
              {related.sameDevice ? <Chip size="small" color="warning" label={t('same_device')} /> : null}
              <Typography variant="caption" color="text.secondary">
                {formatDateTime(related.createdAt, { dateStyle: 'medium' })}
              </Typography>
            </Stack>
          ))}
        </Stack>
      )}
    </Panel>
  );
};
