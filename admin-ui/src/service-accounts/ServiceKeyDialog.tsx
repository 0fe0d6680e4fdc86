import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack } from '@mui/material';
import { useId } from 'react';
import { useTranslate } from 'react-admin';
import { SecretField } from '../staff/StaffCredentialsDialog';
import { useFormatDateTime } from '../layout/useFormatDateTime';

/**
 * A service account's new API key, shown once. Like the staff credentials
 * dialog it closes only through its button: the server keeps only a hash.
 */
export const ServiceKeyDialog = ({
  name,
  apiKey,
  oldKeysExpireAt,
  onClose,
}: {
  name: string;
  apiKey: string;
  oldKeysExpireAt?: string;
  onClose: () => void;
}) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const titleId = useId();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.service-accounts.key_dialog.${key}`, options);
  return (
    <Dialog open aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>{t('title', { name })}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Alert severity="warning">{t('warning')}</Alert>
          <SecretField label={t('key')} value={apiKey} />
          {oldKeysExpireAt ? <Alert severity="info">{t('old_key_until', { date: formatDateTime(oldKeysExpireAt) })}</Alert> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          {t('done')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
