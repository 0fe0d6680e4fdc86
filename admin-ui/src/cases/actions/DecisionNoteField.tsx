import { TextField } from '@mui/material';

/** The optional internal note of a decision (`label`/`helperText` come from the dialog's keys). */
export const DecisionNoteField = ({
  label,
  helperText,
  value,
  onChange,
}: {
  label: string;
  helperText: string;
  value: string;
  onChange: (value: string) => void;
}) => (
  <TextField
    fullWidth
    multiline
    minRows={2}
    label={label}
    helperText={helperText}
    value={value}
    onChange={(event) => onChange(event.target.value)}
    slotProps={{ htmlInput: { maxLength: 2000 } }}
  />
);
