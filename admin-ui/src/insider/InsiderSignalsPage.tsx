import type { ReactNode } from 'react';
import FlagIcon from '@mui/icons-material/Flag';
import { Alert, Box, Button, Chip, CircularProgress, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { alpha } from '@mui/material/styles';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Title, useDataProvider, useLocaleState, useTranslate } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';
import { DEFAULT_LOCALE, intlLocaleFor, isLocale } from '../i18n/locales';
import { EvidenceDialog } from './EvidenceDialog';
import { FAST_SECONDS_CHOICES, INSIDER_WINDOWS, SIGNAL_NAMES, hourRanges, type InsiderWindow, type ReviewerReport, type SignalName } from './insider-types';

/** The server's thresholds as the rule descriptions quote them (shares as whole percentage points). */
const ruleOptions = (thresholds: Record<string, number>, seconds: number) => {
  const points = (share: number | undefined) => Math.round((share ?? 0) * 100);
  return {
    reference_days: thresholds.referenceDays,
    min_decisions: thresholds.approvalRateMinDecisions,
    margin: points(thresholds.approvalRateMargin),
    z: thresholds.rateMinZ,
    risky_min: thresholds.riskyApprovalsMin,
    risky_margin: points(thresholds.riskyApprovalRateMargin),
    reveals_min: thresholds.revealsMin,
    reveals_ratio: thresholds.revealsBaselineRatio,
    hour_share: points(thresholds.usualHourMinShare),
    neighbours: thresholds.usualHourNeighbours,
    min_reference: thresholds.usualHoursMinReferenceActions,
    off_min: thresholds.offHoursMin,
    off_share: points(thresholds.offHoursMinShare),
    fast_min: thresholds.fastDecisionsMin,
    seconds,
  };
};

/**
 * Insider signals: for each reviewer, the five figures of
 * server/insider/insider-rules.ts over the last 7 or 30 days. A flagged figure
 * is highlighted; any figure with evidence opens the cases and audit events
 * behind it.
 */
const InsiderSignalsPage = () => {
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.insider-signals.${key}`, options);
  const dataProvider = useDataProvider<RebindDataProvider>();
  const [locale] = useLocaleState();
  const intlLocale = intlLocaleFor(isLocale(locale) ? locale : DEFAULT_LOCALE);
  const [days, setDays] = useState<InsiderWindow>(7);
  const [fastSeconds, setFastSeconds] = useState<number>(30);
  const [opened, setOpened] = useState<{ reviewerId: number; signal: SignalName }>();
  const { data, error, isPending } = useQuery({
    queryKey: ['insider-signals', days, fastSeconds],
    queryFn: () => dataProvider.getInsiderSignals({ days, fastSeconds }),
  });

  const percent = (value: number | null) =>
    value === null ? '–' : new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
  const number = (value: number) => new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 2 }).format(value);
  const hours = (list: number[]) =>
    hourRanges(list)
      .map(([from, to]) => `${String(from).padStart(2, '0')}:00–${String(to).padStart(2, '0')}:59`)
      .join(', ');

  /** The figure in large type, and what it is measured against. */
  const describe = (reviewer: ReviewerReport, signal: SignalName): { main: string; detail: string } => {
    const s = reviewer.signals;
    switch (signal) {
      case 'approvalRate': {
        const f = s.approvalRate.figure;
        return { main: percent(f.rate), detail: t('figures.approval_rate', { approvals: f.approvals, decisions: f.decisions, team: percent(f.teamRate) }) };
      }
      case 'riskyApprovals': {
        const f = s.riskyApprovals.figure;
        return {
          main: String(f.count),
          detail: t('figures.risky_approvals', { decisions: f.riskyDecisions, rate: percent(f.rate), team: percent(f.teamRate) }),
        };
      }
      case 'reveals': {
        const f = s.reveals.figure;
        return {
          main: t('figures.per_day', { value: number(f.perDay) }),
          detail: t('figures.reveals', { count: f.count, baseline: number(f.baselinePerDay) }),
        };
      }
      case 'offHours': {
        const f = s.offHours.figure;
        return {
          main: f.usualHours ? String(f.count) : '–',
          detail: f.usualHours
            ? t('figures.off_hours', { actions: f.actions, hours: hours(f.usualHours) || '–' })
            : t('figures.no_history', { smart_count: f.referenceActions }),
        };
      }
      case 'fastDecisions': {
        const f = s.fastDecisions.figure;
        return {
          main: String(f.count),
          detail: f.fastestSeconds === null ? t('figures.none_timed') : t('figures.fast_decisions', { timed: f.timed, fastest: f.fastestSeconds }),
        };
      }
    }
  };

  const windowChips = (
    <Stack direction="row" spacing={0.5} role="group" aria-label={t('window')} sx={{ alignItems: 'center' }}>
      <Typography variant="body2" color="text.secondary" sx={{ mr: 0.5 }}>
        {t('window')}
      </Typography>
      {INSIDER_WINDOWS.map((option) => (
        <Chip
          key={option}
          size="small"
          label={t('days', { smart_count: option })}
          color={days === option ? 'primary' : 'default'}
          variant={days === option ? 'filled' : 'outlined'}
          aria-pressed={days === option}
          onClick={() => setDays(option)}
        />
      ))}
    </Stack>
  );
  const fastChips = (
    <Stack direction="row" spacing={0.5} role="group" aria-label={t('fast_threshold')} sx={{ alignItems: 'center' }}>
      <Typography variant="body2" color="text.secondary" sx={{ mr: 0.5 }}>
        {t('fast_threshold')}
      </Typography>
      {FAST_SECONDS_CHOICES.map((option) => (
        <Chip
          key={option}
          size="small"
          label={t('seconds', { smart_count: option })}
          color={fastSeconds === option ? 'primary' : 'default'}
          variant={fastSeconds === option ? 'filled' : 'outlined'}
          aria-pressed={fastSeconds === option}
          onClick={() => setFastSeconds(option)}
        />
      ))}
    </Stack>
  );

  let body: ReactNode;
  if (error) {
    body = <Alert severity="error">{t('load_failed')}</Alert>;
  } else if (isPending || !data) {
    body = <CircularProgress aria-label={t('loading')} />;
  } else if (data.reviewers.length === 0) {
    body = <Alert severity="info">{t('empty')}</Alert>;
  } else {
    const openedReviewer = opened && data.reviewers.find((r) => r.id === opened.reviewerId);
    body = (
      <>
        <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
          <Table size="small" aria-label={t('table', { smart_count: data.days })}>
            <TableHead>
              <TableRow>
                <TableCell>{t('columns.reviewer')}</TableCell>
                {SIGNAL_NAMES.map((signal) => (
                  <TableCell key={signal}>{t(`signals.${signal}`)}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {data.reviewers.map((reviewer) => (
                <TableRow key={reviewer.id}>
                  <TableCell component="th" scope="row">
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {reviewer.name}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {translate(`rebind.roles.${reviewer.role}`, { _: reviewer.role })}
                      {reviewer.disabled ? ` · ${t('disabled')}` : ''}
                      {' · '}
                      {t('flags', { smart_count: reviewer.flags })}
                    </Typography>
                  </TableCell>
                  {SIGNAL_NAMES.map((signal) => {
                    const { flagged, evidence } = reviewer.signals[signal];
                    const { main, detail } = describe(reviewer, signal);
                    const label = t(flagged ? 'figure_flagged' : 'figure', { signal: t(`signals.${signal}`), name: reviewer.name, value: main });
                    return (
                      <TableCell key={signal} sx={(theme) => (flagged ? { bgcolor: alpha(theme.palette.warning.main, 0.14) } : {})}>
                        {evidence.total > 0 ? (
                          <Button
                            size="small"
                            color={flagged ? 'warning' : 'primary'}
                            startIcon={flagged ? <FlagIcon /> : undefined}
                            aria-label={label}
                            onClick={() => setOpened({ reviewerId: reviewer.id, signal })}
                            sx={{ fontWeight: flagged ? 700 : 400, fontSize: '1rem', textTransform: 'none', minWidth: 0, px: 0.5, ml: -0.5 }}
                          >
                            {main}
                          </Button>
                        ) : (
                          <Typography aria-label={label} sx={{ fontSize: '1rem', fontWeight: flagged ? 700 : 400 }}>
                            {main}
                          </Typography>
                        )}
                        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                          {detail}
                        </Typography>
                      </TableCell>
                    );
                  })}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          {t('footnote', {
            time: new Date(data.generatedAt).toLocaleString(intlLocale, { dateStyle: 'medium', timeStyle: 'short' }),
            smart_count: data.thresholds.referenceDays ?? 28,
          })}
        </Typography>
        <Box component="ul" sx={{ mt: 1, pl: 3, color: 'text.secondary', typography: 'body2' }}>
          {SIGNAL_NAMES.map((signal) => (
            <li key={signal}>
              <strong>{t(`signals.${signal}`)}</strong>: {t(`rules.${signal}`, ruleOptions(data.thresholds, data.fastSeconds))}
            </li>
          ))}
        </Box>
        {openedReviewer && opened ? (
          <EvidenceDialog reviewer={openedReviewer} signal={opened.signal} events={data.events} onClose={() => setOpened(undefined)} />
        ) : null}
      </>
    );
  }

  return (
    <Box sx={{ mt: 2, mb: 4 }}>
      <Title title="resources.insider-signals.title" />
      <Typography variant="h5" component="h1">
        {t('title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2, maxWidth: '60em' }}>
        {t('intro')}
      </Typography>
      <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap', mb: 2 }}>
        {windowChips}
        {fastChips}
      </Stack>
      {body}
    </Box>
  );
};

export default InsiderSignalsPage;
