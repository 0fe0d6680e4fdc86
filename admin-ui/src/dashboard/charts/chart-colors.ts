import type { Theme } from '@mui/material/styles';

/** Band and outcome colours from the theme, so the charts follow light and dark mode. */
export const bandColor = (theme: Theme, band: string | null): string =>
  band === 'high'
    ? theme.palette.error.main
    : band === 'medium'
      ? theme.palette.warning.main
      : band === 'low'
        ? theme.palette.success.main
        : theme.palette.grey[500];

export const outcomeColor = (theme: Theme, outcome: 'approved' | 'rejected'): string =>
  outcome === 'approved' ? theme.palette.success.main : theme.palette.error.main;
