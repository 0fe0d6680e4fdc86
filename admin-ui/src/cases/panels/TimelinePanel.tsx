import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { TimelineEntry } from '../case-types';
import { useStaffName } from '../../staff-directory/useStaffDirectory';

/** A few details worth a glance ("submitted → in review", the reason code); the audit log has the rest. */
const summariseDetails = (
  details: Record<string, unknown>,
  translate: (key: string, options?: Record<string, unknown>) => string,
  staffName: (id: number | string | null | undefined) => string,
): string => {
  const parts: string[] = [];
  const status = (value: unknown) => translate(`resources.cases.statuses.${String(value)}`, { _: String(value) });
  if (details.fromStatus && details.toStatus && details.fromStatus !== details.toStatus) {
    parts.push(`${status(details.fromStatus)} → ${status(details.toStatus)}`);
  }
  if (typeof details.reasonCode === 'string') parts.push(details.reasonCode);
  if (typeof details.method === 'string') {
    parts.push(translate(`resources.cases.methods.${details.method}`, { _: details.method }));
  }
  if (details.fourEyes === 'first_approval') parts.push(translate('resources.cases.timeline.first_approval'));
  if (details.visibility === 'user') parts.push(translate('resources.cases.notes.visibility.user'));
  // case.assign: who had it, who has it now
  if (typeof details.to === 'number') {
    parts.push(
      details.from == null
        ? translate('resources.cases.timeline.assigned_to', { name: staffName(details.to) })
        : translate('resources.cases.timeline.reassigned', { from: staffName(details.from as number), to: staffName(details.to) }),
    );
  }
  // case.release by a supervisor: whose claim it was (and whether all of theirs went at once)
  if (typeof details.releasedFor === 'number') {
    const key = details.allClaimsOf != null ? 'released_all_of' : 'released_for';
    parts.push(translate(`resources.cases.timeline.${key}`, { name: staffName(details.releasedFor) }));
  }
  if (typeof details.takenOverFrom === 'number') {
    parts.push(translate('resources.cases.timeline.taken_over_from', { name: staffName(details.takenOverFrom) }));
  }
  return parts.join(' · ');
};

/** What happened to the case, in order, from the audit trail (views left out). */
export const TimelinePanel = ({ entries, auditLink }: { entries: TimelineEntry[]; auditLink?: string }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const staffName = useStaffName();
  return (
    <Panel
      title={translate('resources.cases.timeline.title')}
      action={auditLink ? <Link to={auditLink}>{translate('resources.cases.timeline.audit_link')}</Link> : null}
    >
      {entries.length === 0 ? (
        <Typography variant="body2">{translate('resources.cases.timeline.empty')}</Typography>
      ) : (
        <Box component="ol" sx={{ m: 0, pl: 0, listStyle: 'none' }}>
          {entries.map((entry) => {
            const summary = summariseDetails(entry.details, translate, (id) => staffName(id));
            return (
              <Box
                component="li"
                key={entry.id}
                sx={{
                  display: 'grid',
                  gridTemplateColumns: '9.5em 1fr',
                  gap: 1.5,
                  py: 0.75,
                  borderTop: 1,
                  borderColor: 'divider',
                  '&:first-of-type': { borderTop: 0 },
                }}
              >
                <Typography variant="caption" color="text.secondary" sx={{ pt: 0.25 }}>
                  {formatDateTime(entry.ts, { dateStyle: 'short', timeStyle: 'medium' })}
                </Typography>
                <Box>
                  <Typography variant="body2" component="div">
                    <strong>
                      {translate(`resources.cases.timeline.actions.${entry.action.replace('.', '_')}`, {
                        _: entry.action,
                      })}
                    </strong>{' '}
                    <Typography component="span" variant="body2" color="text.secondary">
                      {translate('resources.cases.timeline.by', {
                        actor:
                          entry.actorType === 'staff'
                            ? staffName(entry.actorId, entry.actorLabel)
                            : (entry.actorLabel ?? translate(`resources.audit-events.actor_types.${entry.actorType}`)),
                      })}
                    </Typography>
                  </Typography>
                  {summary ? (
                    <Typography variant="caption" color="text.secondary" component="div">
                      {summary}
                    </Typography>
                  ) : null}
                </Box>
              </Box>
            );
          })}
        </Box>
      )}
    </Panel>
  );
};
