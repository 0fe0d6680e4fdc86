import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Link as MuiLink,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { usePermissions, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { caseListLink } from '../cases/case-views';
import { MONOSPACE } from '../layout/Panel';
import { useFormatDateTime } from '../layout/useFormatDateTime';
import { canReadAuditEvents, type StaffRole } from '../roles';
import type { EvidenceEvent, ReviewerReport, SignalName } from './insider-types';

/** The audit log filtered on these events (the list reads the `id` filter as a list). */
export const auditEventsLink = (ids: number[]): string =>
  `/audit-events?${new URLSearchParams({ filter: JSON.stringify({ id: ids }), sort: 'id', order: 'DESC', page: '1' })}`;

const TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' };

/** A case or user target links to its page, as in the audit log. */
const Target = ({ event }: { event: EvidenceEvent }) => {
  if (!event.targetType) return null;
  const label = `${event.targetType} #${event.targetId ?? ''}`;
  if (event.targetId && (event.targetType === 'case' || event.targetType === 'user')) {
    return (
      <MuiLink component={Link} to={`/${event.targetType}s/${event.targetId}/show`}>
        {label}
      </MuiLink>
    );
  }
  return <>{label}</>;
};

/** The cases and audit events behind one figure of one reviewer. */
export const EvidenceDialog = ({
  reviewer,
  signal,
  events,
  onClose,
}: {
  reviewer: ReviewerReport;
  signal: SignalName;
  events: EvidenceEvent[];
  onClose: () => void;
}) => {
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.insider-signals.evidence.${key}`, options);
  const formatDateTime = useFormatDateTime();
  const { permissions: role } = usePermissions<StaffRole>();
  const { evidence, flagged } = reviewer.signals[signal];
  const byId = new Map(events.map((e) => [e.id, e]));
  const cited = evidence.eventIds.map((id) => byId.get(id)).filter((e): e is EvidenceEvent => e !== undefined);
  const title = t('title', { signal: translate(`resources.insider-signals.signals.${signal}`), name: reviewer.name });

  return (
    <Dialog open onClose={onClose} aria-labelledby="insider-evidence-title" maxWidth="md" fullWidth>
      <DialogTitle id="insider-evidence-title">{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {flagged ? <Typography variant="body2">{t('flagged')}</Typography> : null}
          <Box component="section" aria-labelledby="insider-evidence-cases">
            <Stack direction="row" sx={{ alignItems: 'baseline', justifyContent: 'space-between', gap: 1 }}>
              <Typography id="insider-evidence-cases" variant="subtitle2" component="h3">
                {t('cases', { smart_count: evidence.caseIds.length })}
              </Typography>
              {evidence.caseIds.length > 1 ? (
                <MuiLink component={Link} to={caseListLink({ id: evidence.caseIds })} variant="body2">
                  {t('open_cases_in_queue')}
                </MuiLink>
              ) : null}
            </Stack>
            {evidence.caseIds.length ? (
              <Stack direction="row" spacing={1.5} useFlexGap component="ul" sx={{ flexWrap: 'wrap', listStyle: 'none', p: 0, m: 0 }}>
                {evidence.caseIds.map((id) => (
                  <li key={id}>
                    <MuiLink component={Link} to={`/cases/${id}/show`}>
                      {t('case', { id })}
                    </MuiLink>
                  </li>
                ))}
              </Stack>
            ) : (
              <Typography variant="body2" color="text.secondary">
                {t('no_cases')}
              </Typography>
            )}
          </Box>
          <Box component="section" aria-labelledby="insider-evidence-events">
            <Stack direction="row" sx={{ alignItems: 'baseline', justifyContent: 'space-between', gap: 1 }}>
              <Typography id="insider-evidence-events" variant="subtitle2" component="h3">
                {evidence.total > evidence.eventIds.length
                  ? t('events_newest', { shown: evidence.eventIds.length, smart_count: evidence.total })
                  : t('events', { smart_count: evidence.total })}
              </Typography>
              {canReadAuditEvents(role) && evidence.eventIds.length ? (
                <MuiLink component={Link} to={auditEventsLink(evidence.eventIds)} variant="body2">
                  {t('open_in_audit_log')}
                </MuiLink>
              ) : null}
            </Stack>
            <Table size="small" aria-labelledby="insider-evidence-events">
              <TableHead>
                <TableRow>
                  <TableCell>{t('columns.id')}</TableCell>
                  <TableCell>{t('columns.time')}</TableCell>
                  <TableCell>{t('columns.action')}</TableCell>
                  <TableCell>{t('columns.target')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {cited.map((event) => (
                  <TableRow key={event.id}>
                    <TableCell>{event.id}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.ts, TIME)} UTC</TableCell>
                    <TableCell sx={MONOSPACE}>{event.action}</TableCell>
                    <TableCell>
                      <Target event={event} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate('ra.action.close')}</Button>
      </DialogActions>
    </Dialog>
  );
};
