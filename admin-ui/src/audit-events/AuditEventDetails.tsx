import { Box, Typography } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

/** The expanded row: the event's `details` object, as JSON. */
export const AuditEventDetails = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  const details: unknown = record?.details;
  const isEmpty = details == null || (typeof details === 'object' && Object.keys(details).length === 0);

  if (isEmpty) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
        {translate('resources.audit-events.details.empty')}
      </Typography>
    );
  }
  return (
    <Box
      component="pre"
      sx={{
        m: 0,
        py: 1,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        fontSize: '0.8rem',
        whiteSpace: 'pre-wrap',
        overflowWrap: 'anywhere',
      }}
    >
      {JSON.stringify(details, null, 2)}
    </Box>
  );
};
