import { Box, Card, CardContent, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A titled card: one per topic on the case and user pages. */
export const Panel = ({ title, action, children, id }: { title: ReactNode; action?: ReactNode; children: ReactNode; id?: string }) => (
  <Card component="section" aria-labelledby={id} variant="outlined">
    <CardContent sx={{ '&:last-child': { pb: 2 } }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 1, gap: 1 }}>
        <Typography id={id} variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
          {title}
        </Typography>
        {action}
      </Stack>
      {children}
    </CardContent>
  </Card>
);

/** Label / value pairs as a definition list, two columns. */
export const FactList = ({ facts }: { facts: [label: ReactNode, value: ReactNode][] }) => (
  <Box
    component="dl"
    sx={{
      display: 'grid',
      gridTemplateColumns: 'minmax(8em, max-content) 1fr',
      columnGap: 2,
      rowGap: 0.75,
      m: 0,
      '& dt': { color: 'text.secondary', fontSize: '0.875rem' },
      '& dd': { m: 0, fontSize: '0.875rem', overflowWrap: 'anywhere' },
    }}
  >
    {facts.map(([label, value], index) => (
      <Box key={index} sx={{ display: 'contents' }}>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </Box>
    ))}
  </Box>
);

export const MONOSPACE = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
