import CheckIcon from '@mui/icons-material/Check';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, InputAdornment, Stack, TextField, Tooltip } from '@mui/material';
import { useId, useState } from 'react';
import { useTranslate } from 'react-admin';
import type { OneTimeStaffCredentials, StaffRecord } from './staff-types';

interface StaffCredentialsDialogProps {
  staff: StaffRecord;
  credentials: OneTimeStaffCredentials;
  onClose: () => void;
}

/**
 * Shows a new staff member's one-time password and TOTP secret. It closes only
 * through its button (not Escape, not a click outside): the server will not
 * show these again. (No onClose on the Dialog: Escape and the backdrop do nothing.)
 */
export const StaffCredentialsDialog = ({ staff, credentials, onClose }: StaffCredentialsDialogProps) => {
  const translate = useTranslate();
  const titleId = useId();

  return (
    <Dialog open aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>{translate('resources.staff.credentials.title', { name: staff.name })}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.staff.credentials.warning')}
        </Alert>
        <Stack spacing={2}>
          <SecretField label={translate('resources.staff.credentials.password')} value={credentials.password} />
          <SecretField label={translate('resources.staff.credentials.totp_secret')} value={credentials.totpSecret} />
          <SecretField label={translate('resources.staff.credentials.otpauth_uri')} value={credentials.otpauthUri} multiline />
          <OtpauthQrCode uri={credentials.otpauthUri} serverDataUrl={credentials.qrDataUrl} alt={translate('resources.staff.credentials.qr_code')} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          {translate('resources.staff.credentials.done')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

export const SecretField = ({ label, value, multiline }: { label: string; value: string; multiline?: boolean }) => {
  const translate = useTranslate();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  const copyLabel = translate(copied ? 'resources.staff.credentials.copied' : 'resources.staff.credentials.copy');
  return (
    <TextField
      label={label}
      value={value}
      multiline={multiline}
      variant="outlined"
      fullWidth
      slotProps={{
        input: {
          readOnly: true,
          sx: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
          endAdornment: (
            <InputAdornment position="end">
              <Tooltip title={copyLabel}>
                <IconButton aria-label={copyLabel} onClick={copy} edge="end">
                  {copied ? <CheckIcon /> : <ContentCopyIcon />}
                </IconButton>
              </Tooltip>
            </InputAdornment>
          ),
        },
        htmlInput: { spellCheck: false },
      }}
    />
  );
};

/** The otpauth URI as a QR code, drawn by the server (a data: image, as the CSP allows). */
const OtpauthQrCode = ({ alt, serverDataUrl }: { uri: string; alt: string; serverDataUrl?: string }) => {
  const dataUrl = serverDataUrl;
  if (!dataUrl) return null;
  return (
    <Box sx={{ textAlign: 'center' }}>
      <Box component="img" src={dataUrl} alt={alt} sx={{ width: 220, height: 220, bgcolor: '#fff', p: 1, borderRadius: 1 }} />
    </Box>
  );
};
