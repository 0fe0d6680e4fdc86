import { Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

/** One number with its label; a link to the cases behind it when there is a list to see. */
export const StatTile = ({
  label,
  value,
  tone,
  to,
  hint,
}: {
  label: string;
  value: ReactNode;
  tone?: 'error' | 'warning' | 'success';
  to?: string;
  hint?: string;
}) => {
  const content = (
    <CardContent sx={{ py: 1.5, '&:last-child': { pb: 1.5 } }}>
      <Typography variant="body2" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h5" component="div" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600, color: tone ? `${tone}.main` : undefined }}>
        {value}
      </Typography>
      {hint ? (
        <Typography variant="caption" color="text.secondary">
          {hint}
        </Typography>
      ) : null}
    </CardContent>
  );
  return to ? (
    <Card
      variant="outlined"
      component={Link}
      to={to}
      sx={{
        height: '100%',
        display: 'block',
        textDecoration: 'none',
        color: 'inherit',
        '&:hover': { bgcolor: 'action.hover' },
        '&:focus-visible': { outline: 2, outlineColor: 'primary.main', outlineStyle: 'solid' },
      }}
    >
      {content}
    </Card>
  ) : (
    <Card variant="outlined" sx={{ height: '100%' }}>
      {content}
    </Card>
  );
};
