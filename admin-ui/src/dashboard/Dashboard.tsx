import { Alert, Box, Card, CardContent, Chip, CircularProgress, Stack, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Title, useDataProvider, useGetIdentity, useLocaleState, usePermissions, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { EVIDENCE_METHODS, OPEN_STATUSES } from '../cases/case-types';
import { CASE_VIEWS, caseListLink } from '../cases/case-views';
import type { RebindDataProvider } from '../dataProvider';
import { DEFAULT_LOCALE, intlLocaleFor, isLocale } from '../i18n/locales';
import { formatHours } from '../layout/duration';
import { can, type StaffRole } from '../roles';
import { bandColor } from './charts/chart-colors';
import { DailyColumns } from './charts/DailyColumns';
import { RateBars, type RateRow } from './charts/RateBars';
import { StackedBars } from './charts/StackedBars';
import { decisionsPerDay, queueDepthByStatus } from './dashboard-data';
import { StatTile } from './StatTile';

const viewLink = (id: string) => caseListLink(CASE_VIEWS.find((view) => view.id === id)!.filter(Date.now()));

const ChartCard = ({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) => (
  <Card variant="outlined" sx={{ height: '100%' }}>
    <CardContent>
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 1, mb: 1 }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
          {title}
        </Typography>
        {action}
      </Stack>
      {children}
    </CardContent>
  </Card>
);

/** Where the queue stands: depth, SLA, my cases, time to decision and outcomes, as charts. */
export const Dashboard = () => {
  const translate = useTranslate();
  const theme = useTheme();
  const navigate = useNavigate();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const { identity } = useGetIdentity();
  const { permissions: role } = usePermissions<StaffRole>();
  const [locale] = useLocaleState();
  const [method, setMethod] = useState<string>('all');
  const {
    data: stats,
    error,
    isPending,
  } = useQuery({
    queryKey: ['stats'],
    queryFn: () => dataProvider.getStats(),
    refetchInterval: 60_000,
  });
  const t = (key: string, options?: Record<string, unknown>) => translate(`rebind.dashboard.${key}`, options);
  const intlLocale = intlLocaleFor(isLocale(locale) ? locale : DEFAULT_LOCALE);
  const percent = new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 0 });
  const dayFormat = new Intl.DateTimeFormat(intlLocale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
  const works = can(role, 'cases.work');

  const header = (
    <Box sx={{ mt: 2, mb: 2 }}>
      <Title title="rebind.dashboard.title" />
      <Typography variant="h5" component="h1">
        {t('welcome', { name: identity?.name ?? '' })}
      </Typography>
      {stats ? (
        <Typography variant="body2" color="text.secondary">
          {t('as_of', { time: new Date(stats.generatedAt).toLocaleTimeString(intlLocale, { timeStyle: 'short' }) })}
        </Typography>
      ) : null}
    </Box>
  );
  if (error) {
    return (
      <>
        {header}
        <Alert severity="error">{t('load_failed')}</Alert>
      </>
    );
  }
  if (isPending || !stats) {
    return (
      <>
        {header}
        <CircularProgress aria-label={t('loading')} />
      </>
    );
  }

  const depth = queueDepthByStatus(stats);
  const bandLabel = (band: string | null) => translate(band ? `resources.cases.bands.${band}` : 'resources.cases.bands.none');
  const methodName = (m: string) => translate(`resources.cases.methods.${m}`, { _: m });
  const rate = (row: RateRow) => t('rate', { rate: percent.format(row.total ? row.approved / row.total : 0), approved: row.approved, total: row.total });
  const days = decisionsPerDay(stats, method);

  return (
    <>
      {header}
      <Box
        sx={{
          display: 'grid',
          gap: 2,
          gridTemplateColumns: { xs: 'repeat(2, minmax(0, 1fr))', md: 'repeat(3, minmax(0, 1fr))', lg: 'repeat(6, minmax(0, 1fr))' },
          mb: 2,
        }}
      >
        <StatTile label={t('open_total')} value={stats.openTotal} to={viewLink('open')} />
        <StatTile
          label={t('sla_breached')}
          value={stats.slaBreached}
          tone={stats.slaBreached ? 'error' : 'success'}
          to={caseListLink({ status: [...OPEN_STATUSES], slaBreached: 'true' })}
        />
        <StatTile
          label={t('sla_at_risk')}
          value={stats.slaAtRisk}
          tone={stats.slaAtRisk ? 'warning' : undefined}
          hint={t('sla_at_risk_hint')}
          to={viewLink('sla_at_risk')}
        />
        {works ? <StatTile label={t('my_open_cases')} value={stats.myOpenCases} to={viewLink('mine')} /> : null}
        <StatTile label={t('awaiting_second_approval')} value={stats.awaitingSecondApproval} to={viewLink('second_approval')} />
        <StatTile
          label={t('median_time_to_decision')}
          value={stats.medianTimeToDecisionHours == null ? '–' : formatHours(stats.medianTimeToDecisionHours, translate)}
          hint={t('decisions_30_days', { smart_count: stats.decisionsLast30Days })}
        />
      </Box>
      <Box
        sx={{
          display: 'grid',
          gap: 2,
          gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' },
          mb: 4,
        }}
      >
        <ChartCard
          title={t('queue_depth')}
          action={
            <Stack direction="row" spacing={1.5} aria-hidden>
              {(['low', 'medium', 'high', null] as const).map((band) => (
                <Stack key={band ?? 'none'} direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
                  <Box sx={{ width: 10, height: 10, borderRadius: '2px', bgcolor: bandColor(theme, band) }} />
                  <Typography variant="caption">{bandLabel(band)}</Typography>
                </Stack>
              ))}
            </Stack>
          }
        >
          <StackedBars
            title={t('queue_depth_description', { smart_count: stats.openTotal })}
            rows={depth.map((row) => ({
              key: row.status,
              label: translate(`resources.cases.statuses.${row.status}`),
              onSelect: () => navigate(caseListLink({ status: row.status })),
              segments: row.bands.map(({ band, count }) => ({
                key: band ?? 'none',
                label: bandLabel(band),
                value: count,
                color: bandColor(theme, band),
              })),
            }))}
          />
        </ChartCard>
        <ChartCard
          title={t('decisions_per_day')}
          action={
            <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }} role="group" aria-label={t('method_filter')}>
              {['all', ...EVIDENCE_METHODS].map((m) => (
                <Chip
                  key={m}
                  size="small"
                  label={m === 'all' ? t('all_methods') : methodName(m)}
                  color={method === m ? 'primary' : 'default'}
                  variant={method === m ? 'filled' : 'outlined'}
                  aria-pressed={method === m}
                  onClick={() => setMethod(m)}
                />
              ))}
            </Stack>
          }
        >
          <DailyColumns
            days={days}
            title={t('decisions_per_day_description', {
              approved: days.reduce((sum, d) => sum + d.approved, 0),
              rejected: days.reduce((sum, d) => sum + d.rejected, 0),
            })}
            approvedLabel={t('approved')}
            rejectedLabel={t('rejected')}
            formatDay={(day) => dayFormat.format(new Date(`${day}T00:00:00Z`))}
          />
          <Stack direction="row" spacing={2} sx={{ mt: 1 }} aria-hidden>
            <Typography variant="caption" sx={{ color: 'success.main' }}>
              ▲ {t('approved')}
            </Typography>
            <Typography variant="caption" sx={{ color: 'error.main' }}>
              ▼ {t('rejected')}
            </Typography>
          </Stack>
        </ChartCard>
        <ChartCard title={t('approval_rate_by_method')}>
          {stats.approvalRateByMethod.length === 0 ? (
            <Typography variant="body2">{t('no_decisions')}</Typography>
          ) : (
            <RateBars
              title={t('approval_rate_by_method')}
              formatRate={rate}
              rows={stats.approvalRateByMethod.map((row) => ({
                key: row.method,
                label: methodName(row.method),
                approved: row.approved,
                total: row.total,
              }))}
            />
          )}
        </ChartCard>
        <ChartCard title={t('approval_rate_by_agent')}>
          {stats.approvalRateByAgent.length === 0 ? (
            <Typography variant="body2">{t('no_decisions')}</Typography>
          ) : (
            <RateBars
              title={t('approval_rate_by_agent')}
              formatRate={rate}
              rows={stats.approvalRateByAgent.map((row) => ({
                key: String(row.staffId),
                label: row.name,
                approved: row.approved,
                total: row.total,
              }))}
            />
          )}
        </ChartCard>
      </Box>
    </>
  );
};
