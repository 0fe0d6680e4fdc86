import { MenuItem, TextField, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useReasonCodes, type ReasonCode } from './useReasonCodes';

/** A reason code of one kind, with the message the user will read under it. */
export const ReasonCodeSelect = ({ kind, value, onChange }: { kind: ReasonCode['kind']; value: string; onChange: (code: ReasonCode | undefined) => void }) => {
  const translate = useTranslate();
  const { codes, isPending } = useReasonCodes(kind);
  const selected = codes.find((code) => code.code === value);
  return (
    <>
      <TextField
        select
        required
        fullWidth
        autoFocus
        label={translate('resources.cases.dialogs.reason')}
        value={isPending ? '' : value}
        onChange={(event) => onChange(codes.find((code) => code.code === event.target.value))}
        disabled={isPending}
      >
        {codes.map((code) => (
          <MenuItem key={code.code} value={code.code}>
            {code.label}
          </MenuItem>
        ))}
      </TextField>
      {selected ? (
        <Typography variant="body2" color="text.secondary">
          {translate('resources.cases.dialogs.user_will_read', { message: selected.userMessage })}
        </Typography>
      ) : null}
    </>
  );
};
