import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useId } from 'react';
import { useTranslate } from 'react-admin';

/**
 * An endpoint's signing secret, right after it was created or rotated. Closes
 * only through its button: the server never shows the secret again.
 */
export const WebhookSecretDialog = ({ secret, url, onClose }: { secret: string; url: string; onClose: () => void }) => {
  const translate = useTranslate();
  const titleId = useId();
  return (
    <Dialog open aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>{translate('resources.webhook-endpoints.secret.title', { url })}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.webhook-endpoints.secret.warning')}
        </Alert>
        <TextField
          label={translate('resources.webhook-endpoints.secret.label')}
          value={secret}
          fullWidth
          variant="outlined"
          slotProps={{
            input: { readOnly: true, sx: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' } },
            htmlInput: { spellCheck: false },
          }}
        />
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          {translate('resources.webhook-endpoints.secret.done')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
