import ErrorIcon from '@mui/icons-material/ErrorOutlineOutlined';
import { Alert, Box, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useTranslate } from 'react-admin';
import { MONOSPACE, Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { TransferChecked, TransferSubmitted } from '../case-types';

const RESULT_COLORS = { exact: 'success', partial: 'warning', none: 'error' } as const;

// Each field of the user's record beside its ledger column; "time" is the ledger's creditedAt.
const FIELDS = ['platform', 'asset', 'network', 'amount', 'txid', 'time'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The transfer record the user sent beside the deposit-ledger row the system
 * matched it to, with the fields that differ highlighted.
 */
export const TransferRecordPanel = ({ submitted, checked }: { submitted: TransferSubmitted | null; checked: TransferChecked | null }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.evidence.transfer.${key}`, options);
  const title = translate('resources.cases.methods.transfer_record');
  if (!submitted || !checked) {
    return (
      <Panel title={title}>
        <Typography variant="body2">{t('none_sent')}</Typography>
      </Panel>
    );
  }
  const row = checked.ledgerRow;
  const differs = new Set(checked.differs);
  const sent = (field: Field): ReactNode => (field === 'time' ? formatDateTime(submitted.time) : submitted[field]);
  const ledger = (field: Field): ReactNode => {
    if (!row) return '–';
    return field === 'time' ? formatDateTime(row.creditedAt) : row[field];
  };
  return (
    <Panel title={title} action={<Chip size="small" color={RESULT_COLORS[checked.result]} label={t(`result_${checked.result}`)} />}>
      <Stack spacing={1} sx={{ mb: 1 }}>
        {checked.txidOnOtherAccount ? (
          <Alert severity="error" variant="outlined" sx={{ py: 0 }}>
            {t('txid_other_account')}
          </Alert>
        ) : null}
        {!checked.emailMatches ? (
          <Alert severity="error" variant="outlined" sx={{ py: 0 }}>
            {t('email_mismatch', { email: submitted.email })}
          </Alert>
        ) : null}
        {!row ? (
          <Alert severity="warning" variant="outlined" sx={{ py: 0 }}>
            {t('no_ledger_row')}
          </Alert>
        ) : null}
      </Stack>
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label={title} sx={{ tableLayout: 'fixed', minWidth: 420 }}>
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: '22%' }}>{t('field')}</TableCell>
              <TableCell>{t('sent')}</TableCell>
              <TableCell>{row ? t('ledger', { id: row.id }) : t('ledger_none')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {FIELDS.map((field) => {
              const differ = differs.has(field);
              const cellSx = {
                overflowWrap: 'anywhere' as const,
                ...(field === 'txid' ? MONOSPACE : {}),
                ...(differ ? { bgcolor: 'error.main', color: 'error.contrastText', fontWeight: 600 } : {}),
              };
              return (
                <TableRow key={field}>
                  <TableCell component="th" scope="row">
                    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
                      <span>{t(`fields.${field}`)}</span>
                      {differ ? <ErrorIcon fontSize="inherit" color="error" titleAccess={t('differs')} aria-label={t('differs')} /> : null}
                    </Stack>
                  </TableCell>
                  <TableCell sx={cellSx}>{sent(field)}</TableCell>
                  <TableCell sx={cellSx}>{ledger(field)}</TableCell>
                </TableRow>
              );
            })}
            <TableRow>
              <TableCell component="th" scope="row">
                {t('fields.email')}
              </TableCell>
              <TableCell>{submitted.email}</TableCell>
              <TableCell>{checked.emailMatches ? t('email_matches') : t('email_differs')}</TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </Box>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
        {t('public_record_caveat')}
      </Typography>
    </Panel>
  );
};
