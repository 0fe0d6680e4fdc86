import { LinearProgress, Stack } from '@mui/material';
import { useTranslate } from 'react-admin';

/**
 * react-admin puts every list row into the detail cache, so a show view opened
 * from a list first renders with the row (a summary) until the detail answers.
 * Views check for the fields only the detail has (`hasDetail`) and show this
 * in place of the panels meanwhile, instead of reading what is not there.
 */
export const DetailLoading = () => {
  const translate = useTranslate();
  return (
    <Stack spacing={1} sx={{ py: 2 }}>
      <LinearProgress aria-label={translate('ra.page.loading')} />
    </Stack>
  );
};

/** True when every named field is present: the record came from the detail endpoint. */
export const hasDetail = <T extends object>(record: object | undefined, ...fields: (keyof T)[]): record is T =>
  record != null && fields.every((field) => (record as Record<PropertyKey, unknown>)[field as PropertyKey] !== undefined);
