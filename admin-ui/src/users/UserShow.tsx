import { Alert, Box, Card, CardContent, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Show, usePermissions, useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { CaseStatusChip } from '../cases/CaseStatusChip';
import type { CaseStatus } from '../cases/case-types';
import { RiskBandChip } from '../cases/RiskBandChip';
import { DetailLoading, hasDetail } from '../layout/DetailLoading';
import { FactList, MONOSPACE, Panel } from '../layout/Panel';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { can, type StaffRole } from '../roles';
import { RevealableValue } from './RevealButton';
import { UnfreezeButton } from './UnfreezeButton';
import type { UserDetail, UserSummary } from './user-types';

const UserTitle = () => {
  const record = useRecordContext<UserDetail>();
  const translate = useTranslate();
  return <>{record ? translate('resources.users.title', { id: record.id }) : ''}</>;
};

const FactorsPanel = ({ record }: { record: UserDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string) => translate(`resources.users.factors.${key}`);
  return (
    <Panel title={t('title')}>
      {record.factors.length === 0 ? (
        <Typography variant="body2">{translate('resources.cases.account.no_factors')}</Typography>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={t('title')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('type')}</TableCell>
                <TableCell>{t('status')}</TableCell>
                <TableCell>{t('bound')}</TableCell>
                <TableCell>{t('revoked')}</TableCell>
                <TableCell>{t('last_used')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {record.factors.map((factor) => (
                <TableRow key={factor.id}>
                  <TableCell>
                    <strong>{translate(`resources.users.factor_types.${factor.type}`, { _: factor.type })}</strong>
                    <Typography variant="caption" component="div">
                      {factor.name}
                    </Typography>
                    {factor.phone ? (
                      <Typography variant="caption" component="div">
                        <RevealableValue userId={record.id} field="phone" factorId={factor.id} masked={factor.phone} />
                      </Typography>
                    ) : null}
                  </TableCell>
                  <TableCell>
                    <Chip
                      size="small"
                      variant="outlined"
                      color={factor.status === 'active' ? 'success' : 'default'}
                      label={translate(`resources.users.factor_statuses.${factor.status}`, { _: factor.status })}
                    />
                  </TableCell>
                  <TableCell>
                    {formatDateTime(factor.boundAt)}
                    <Typography variant="caption" component="div" sx={MONOSPACE}>
                      {factor.boundIp ?? ''}
                    </Typography>
                    <Typography variant="caption" component="div" color="text.secondary">
                      {factor.boundUserAgent ?? ''}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    {factor.revokedAt ? formatDateTime(factor.revokedAt) : '–'}
                    {factor.revokedReason ? (
                      <Typography variant="caption" component="div">
                        {factor.revokedReason}
                      </Typography>
                    ) : null}
                    <Typography variant="caption" component="div" sx={MONOSPACE}>
                      {factor.revokedIp ?? ''}
                    </Typography>
                    <Typography variant="caption" component="div" color="text.secondary">
                      {factor.revokedUserAgent ?? ''}
                    </Typography>
                  </TableCell>
                  <TableCell>{formatDateTime(factor.lastUsedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Panel>
  );
};

const HistoryPanel = ({ record }: { record: UserDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string) => translate(`resources.users.history.${key}`);
  return (
    <Panel title={t('title')}>
      {record.factorHistory.length === 0 ? (
        <Typography variant="body2">{t('empty')}</Typography>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={t('title')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('at')}</TableCell>
                <TableCell>{t('event')}</TableCell>
                <TableCell>{t('factor')}</TableCell>
                <TableCell>{t('ip')}</TableCell>
                <TableCell>{t('origin')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {record.factorHistory.map((entry) => (
                <TableRow key={entry.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at)}</TableCell>
                  <TableCell>{translate(`resources.users.history.events.${entry.event}`, { _: entry.event })}</TableCell>
                  <TableCell>{entry.factorId != null ? `#${entry.factorId}` : '–'}</TableCell>
                  <TableCell sx={MONOSPACE}>{entry.ip ?? '–'}</TableCell>
                  <TableCell>
                    {entry.caseId != null ? (
                      <Link to={`/cases/${entry.caseId}/show`}>{translate('resources.cases.title', { id: entry.caseId })}</Link>
                    ) : entry.operationId ? (
                      t('operation')
                    ) : (
                      '–'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Panel>
  );
};

const UserView = () => {
  const record = useRecordContext<UserDetail | UserSummary>();
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const { permissions: role } = usePermissions<StaffRole>();
  if (!record) return <DetailLoading />;
  // Opened from the list: the row until the detail answers.
  if (!hasDetail<UserDetail>(record, 'factors', 'factorHistory', 'cases')) {
    return (
      <Stack spacing={2} sx={{ mt: 2, mb: 4 }}>
        <Typography variant="h5" component="h1">
          {translate('resources.users.title', { id: record.id })}
        </Typography>
        <DetailLoading />
      </Stack>
    );
  }
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.account.${key}`, options);
  const lockActive = record.withdrawalLockUntil && Date.parse(record.withdrawalLockUntil) > Date.now();
  return (
    <Stack spacing={2} sx={{ mt: 2, mb: 4 }}>
      <Card variant="outlined">
        <CardContent sx={{ '&:last-child': { pb: 2 } }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ justifyContent: 'space-between' }}>
            <Typography variant="h5" component="h1">
              {translate('resources.users.title', { id: record.id })}
            </Typography>
            {can(role, 'users.unfreeze') ? <UnfreezeButton /> : null}
          </Stack>
        </CardContent>
      </Card>
      {record.status === 'frozen' ? (
        <Alert severity="warning">
          {translate('resources.users.frozen_banner', {
            date: formatDateTime(record.frozenAt),
            reason: record.frozenReason ?? '–',
          })}
        </Alert>
      ) : null}
      <Box
        sx={{
          display: 'grid',
          gap: 2,
          gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 2fr) minmax(0, 3fr)' },
          alignItems: 'start',
        }}
      >
        <Panel title={t('title')}>
          <FactList
            facts={[
              [t('email'), <RevealableValue key="email" userId={record.id} field="email" masked={record.maskedEmail} />],
              [t('external_id'), record.externalId ?? '–'],
              [t('status'), translate(`resources.users.statuses.${record.status}`, { _: record.status })],
              [t('value_tier'), translate(`resources.users.tiers.${record.valueTier}`, { _: record.valueTier })],
              [t('country'), record.country ?? '–'],
              [translate('resources.users.fields.createdAt'), formatDateTime(record.createdAt)],
              [
                t('kyc'),
                record.kyc
                  ? t('kyc_summary', {
                      level: record.kyc.level,
                      provider: record.kyc.provider,
                      date: formatDateTime(record.kyc.verifiedAt, { dateStyle: 'medium' }),
                    })
                  : t('kyc_none'),
              ],
              [t('exchange_kyc_level'), record.kycLevel ?? '–'],
              [t('password_changed'), formatDateTime(record.passwordChangedAt)],
              [t('email_changed'), formatDateTime(record.emailChangedAt)],
              [t('withdrawal_lock'), lockActive ? t('locked_until', { date: formatDateTime(record.withdrawalLockUntil) }) : t('no_lock')],
            ]}
          />
        </Panel>
        <Panel title={translate('resources.users.cases')}>
          {record.cases.length === 0 ? (
            <Typography variant="body2">{translate('resources.users.no_cases')}</Typography>
          ) : (
            <Stack component="ul" spacing={1} sx={{ m: 0, p: 0, listStyle: 'none' }}>
              {record.cases.map((c) => (
                <Stack component="li" key={c.id} direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                  <Link to={`/cases/${c.id}/show`}>#{c.id}</Link>
                  <CaseStatusChip status={c.status as CaseStatus} />
                  {c.riskBand ? <RiskBandChip band={c.riskBand as 'low' | 'medium' | 'high'} /> : null}
                  <Typography variant="caption" color="text.secondary">
                    {formatDateTime(c.createdAt, { dateStyle: 'medium' })}
                  </Typography>
                </Stack>
              ))}
            </Stack>
          )}
        </Panel>
      </Box>
      <FactorsPanel record={record} />
      <HistoryPanel record={record} />
    </Stack>
  );
};

/** One end user: account summary (masked), 2FA tools with their history, and cases. */
export const UserShow = () => (
  <Show title={<UserTitle />} actions={false} component="div">
    <UserView />
  </Show>
);
