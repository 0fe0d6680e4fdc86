import VisibilityIcon from '@mui/icons-material/Visibility';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, IconButton, TextField, Tooltip } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useDataProvider, usePermissions, useTranslate, type Identifier } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';
import { MONOSPACE } from '../layout/Panel';
import { can, type StaffRole } from '../roles';
import { validationMessageOf } from '../layout/http-errors';
import type { RevealableField } from './user-types';

export const MIN_JUSTIFICATION = 10;

/**
 * A masked value with a "reveal" button: asks for a justification, then shows
 * the value in clear here only (never cached). The server records the reveal,
 * with the justification, in the audit trail.
 */
export const RevealableValue = ({ userId, field, factorId, masked }: { userId: Identifier; field: RevealableField; factorId?: number; masked: string }) => {
  const translate = useTranslate();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const { permissions: role } = usePermissions<StaffRole>();
  const [open, setOpen] = useState(false);
  const [justification, setJustification] = useState('');
  const [revealed, setRevealed] = useState<string>();
  const titleId = useId();
  const { mutate, isPending, error, reset } = useMutation({
    mutationFn: () => dataProvider.revealUserField(userId, { field, justification: justification.trim(), factorId }),
    onSuccess: ({ value }) => {
      setRevealed(value);
      setOpen(false);
      setJustification('');
    },
  });

  if (revealed) {
    return (
      <Tooltip title={translate('resources.users.reveal.revealed_hint')}>
        <span style={{ ...MONOSPACE, fontWeight: 600 }}>{revealed}</span>
      </Tooltip>
    );
  }
  const tooShort = justification.trim().length < MIN_JUSTIFICATION;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooShort) mutate();
  };
  const label = translate(`resources.users.reveal.button_${field}`);
  return (
    <>
      <span>{masked}</span>
      {can(role, 'users.reveal') ? (
        <Tooltip title={label}>
          <IconButton size="small" aria-label={label} onClick={() => setOpen(true)} sx={{ ml: 0.5 }}>
            <VisibilityIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ) : null}
      <Dialog
        open={open}
        onClose={() => {
          setOpen(false);
          reset();
        }}
        aria-labelledby={titleId}
        maxWidth="xs"
        fullWidth
      >
        <form onSubmit={submit} noValidate>
          <DialogTitle id={titleId}>{translate(`resources.users.reveal.title_${field}`)}</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 2 }}>{translate('resources.users.reveal.explanation')}</DialogContentText>
            <TextField
              autoFocus
              fullWidth
              multiline
              minRows={2}
              label={translate('resources.users.reveal.justification')}
              value={justification}
              onChange={(event) => setJustification(event.target.value)}
              helperText={translate('resources.users.reveal.justification_hint', {
                smart_count: MIN_JUSTIFICATION,
              })}
              slotProps={{ htmlInput: { maxLength: 500 } }}
            />
            {error ? (
              <Alert severity="error" sx={{ mt: 2 }}>
                {translate(validationMessageOf(error), { _: validationMessageOf(error) })}
              </Alert>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
            <Button type="submit" variant="contained" disabled={tooShort || isPending}>
              {translate('resources.users.reveal.confirm')}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
};
