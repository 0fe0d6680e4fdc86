import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, type ButtonProps } from '@mui/material';
import { useId, type FormEvent, type ReactNode } from 'react';
import { useTranslate } from 'react-admin';
import { isValidationError, validationMessageOf } from './http-errors';

/**
 * The confirmation dialog of a case command: what will happen, the inputs it
 * needs, and the server's answer to a bad input (a 409 closes the dialog and
 * explains itself in a notification instead).
 */
export const CommandDialog = ({
  open,
  onClose,
  title,
  confirmLabel,
  confirmColor = 'primary',
  canSubmit = true,
  isPending,
  error,
  onSubmit,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  confirmLabel: string;
  confirmColor?: ButtonProps['color'];
  canSubmit?: boolean;
  isPending: boolean;
  error: unknown;
  onSubmit: () => void;
  children: ReactNode;
}) => {
  const translate = useTranslate();
  const titleId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canSubmit && !isPending) onSubmit();
  };
  return (
    <Dialog open={open} onClose={isPending ? undefined : onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 0.5 }}>
            {children}
            {error && isValidationError(error) ? <Alert severity="error">{validationMessageOf(error)}</Alert> : null}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={isPending}>
            {translate('ra.action.cancel')}
          </Button>
          <Button type="submit" variant="contained" color={confirmColor} disabled={!canSubmit || isPending}>
            {confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
