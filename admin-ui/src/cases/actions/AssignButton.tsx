import AssignIcon from '@mui/icons-material/AssignmentInd';
import { Alert, DialogContentText, MenuItem, TextField } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialogButton, useCommandDialogForm } from '../../layout/CommandDialogButton';

/**
 * A supervisor puts the case in a named colleague's hands, saying why (an
 * internal note). The people offered are the server's `assignees`: active
 * agents and supervisors the rules allow (never someone the case is about).
 */
export const AssignButton = () => {
  const record = useRecordContext<CaseDetail>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.assign.${key}`, options);
  const form = useCommandDialogForm({ assigneeId: '', note: '' });
  const mutation = useCaseCommand(record, { onDone: form.close });
  if (!record) return null;
  const assignees = record.assignees ?? [];
  const note = form.values.note.trim();
  const assigneeId = Number(form.values.assigneeId);
  return (
    <CommandDialogButton
      label={record.assigneeId == null ? 'resources.cases.actions.assign' : 'resources.cases.actions.reassign'}
      icon={<AssignIcon />}
      form={form}
      mutation={mutation}
      title={t('title', { id: record.id })}
      confirmLabel={t('confirm')}
      canSubmit={Boolean(assigneeId && note)}
      onSubmit={() => mutation.mutate({ action: 'assign', body: { assigneeId, note } })}
    >
      <DialogContentText>{t(record.status === 'escalated' ? 'effect_escalated' : 'effect')}</DialogContentText>
      {assignees.length === 0 ? <Alert severity="info">{t('nobody')}</Alert> : null}
      <TextField
        select
        required
        fullWidth
        autoFocus
        label={t('assignee')}
        value={form.values.assigneeId}
        onChange={(event) => form.setValue('assigneeId', event.target.value)}
        disabled={assignees.length === 0}
      >
        {assignees.map((person) => (
          <MenuItem key={person.id} value={String(person.id)}>
            {person.name} ({translate(`rebind.roles.${person.role}`)})
          </MenuItem>
        ))}
      </TextField>
      <TextField
        fullWidth
        multiline
        minRows={2}
        required
        label={t('note')}
        helperText={t('note_hint')}
        value={form.values.note}
        onChange={(event) => form.setValue('note', event.target.value)}
        slotProps={{ htmlInput: { maxLength: 2000 } }}
      />
    </CommandDialogButton>
  );
};
