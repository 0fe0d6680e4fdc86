import RotateIcon from '@mui/icons-material/Autorenew';
import { DialogContentText, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialogButton, useCommandDialogForm } from '../layout/CommandDialogButton';
import type { RebindDataProvider } from '../dataProvider';
import { ServiceKeyDialog } from './ServiceKeyDialog';
import type { ServiceAccountRecord, ServiceAccountWithKey } from './service-account-types';

/** Issues a new key; the old one keeps working for the overlap the admin chooses (24 h unless changed). */
export const RotateKeyButton = () => {
  const record = useRecordContext<ServiceAccountRecord>();
  const translate = useTranslate();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.service-accounts.rotate.${key}`, options);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const form = useCommandDialogForm({ overlapHours: '24' });
  const [issued, setIssued] = useState<ServiceAccountWithKey | null>(null);
  const mutation = useMutation<ServiceAccountWithKey, unknown, number>({
    mutationFn: (overlapHours) => dataProvider.rotateServiceKey(record!.id, overlapHours),
    onSuccess: (rotated) => {
      form.close();
      setIssued(rotated);
      void queryClient.invalidateQueries({ queryKey: ['service-accounts'] });
    },
    onError: (failure) => {
      if (failure instanceof Error && (failure as { status?: number }).status === 400) return; // the dialog shows it
      notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
      form.close();
    },
  });
  if (!record || record.status !== 'active') return null;
  const hours = Number(form.values.overlapHours);
  const valid = form.values.overlapHours.trim() !== '' && Number.isFinite(hours) && hours >= 0 && hours <= 720;
  return (
    <>
      <CommandDialogButton
        label="resources.service-accounts.rotate.button"
        icon={<RotateIcon />}
        form={form}
        mutation={mutation}
        title={t('title', { name: record.name })}
        confirmLabel={t('confirm')}
        canSubmit={valid}
        onSubmit={() => mutation.mutate(hours)}
      >
        <DialogContentText>{t('effect')}</DialogContentText>
        <TextField
          autoFocus
          fullWidth
          type="number"
          label={t('overlap_hours')}
          helperText={t('overlap_hint')}
          value={form.values.overlapHours}
          onChange={(event) => form.setValue('overlapHours', event.target.value)}
          slotProps={{ htmlInput: { min: 0, max: 720, step: 1 } }}
        />
      </CommandDialogButton>
      {issued ? (
        <ServiceKeyDialog
          name={issued.name}
          apiKey={issued.key}
          oldKeysExpireAt={issued.oldKeysExpireAt}
          onClose={() => {
            setIssued(null);
            notify('resources.service-accounts.rotate.done', { type: 'success' });
          }}
        />
      ) : null}
    </>
  );
};
