import ReleaseIcon from '@mui/icons-material/AssignmentReturn';
import { DialogContentText, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';
import { CommandDialogButton, useCommandDialogForm } from '../layout/CommandDialogButton';
import { isValidationError } from '../layout/http-errors';
import type { ReleaseClaimsResult, TeamMember } from './team-types';

/**
 * Every case this person holds back to the queue, after a confirmation (for
 * someone who is away). One request, one transaction on the server; each
 * case's timeline records the release.
 */
export const ReleaseClaimsButton = () => {
  const record = useRecordContext<TeamMember>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.team.release.${key}`, options);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const form = useCommandDialogForm({ reason: '' });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['team', 'getList'] });
    void queryClient.invalidateQueries({ queryKey: ['cases'] });
    void queryClient.invalidateQueries({ queryKey: ['stats'] });
  };
  const mutation = useMutation<ReleaseClaimsResult, unknown, string>({
    mutationFn: (reason) => dataProvider.releaseAllClaims(record!.id, reason || undefined),
    onSuccess: (result) => {
      notify(result.skipped.length ? 'resources.team.release.done_with_skipped' : 'resources.team.release.done', {
        type: 'success',
        messageArgs: { smart_count: result.released.length, name: record?.name, skipped: result.skipped.length },
      });
      refresh();
      form.close();
    },
    onError: (failure) => {
      if (isValidationError(failure)) return; // the dialog shows it
      notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
      refresh();
      form.close();
    },
  });
  if (!record || record.openCases === 0) return null;
  return (
    <CommandDialogButton
      label="resources.team.release.button"
      icon={<ReleaseIcon />}
      form={form}
      mutation={mutation}
      title={t('title', { name: record.name })}
      confirmLabel={t('confirm')}
      confirmColor="warning"
      onSubmit={() => mutation.mutate(form.values.reason.trim())}
    >
      <DialogContentText>{t('effect', { smart_count: record.openCases, name: record.name })}</DialogContentText>
      <TextField
        autoFocus
        fullWidth
        label={t('reason')}
        helperText={t('reason_hint')}
        value={form.values.reason}
        onChange={(event) => form.setValue('reason', event.target.value)}
        slotProps={{ htmlInput: { maxLength: 500 } }}
      />
    </CommandDialogButton>
  );
};
