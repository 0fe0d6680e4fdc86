import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Panel } from '../../layout/Panel';
import { RiskBandChip } from '../RiskBandChip';
import type { RiskBand, RiskSignal } from '../case-types';

const MAX_WEIGHT = 35;

/**
 * Why the case has its score: every signal with its weight, as a bar to the
 * right (adds risk) or the left (lowers it) of zero.
 */
export const RiskSignalsPanel = ({ signals, score, band }: { signals: RiskSignal[]; score: number | null; band: RiskBand | null }) => {
  const translate = useTranslate();
  const title = translate('resources.cases.signals.title');
  return (
    <Panel title={title} action={<RiskBandChip band={band} score={score} />}>
      {signals.length === 0 ? (
        <Typography variant="body2">{translate('resources.cases.signals.none')}</Typography>
      ) : (
        <Box
          component="ul"
          sx={{
            m: 0,
            p: 0,
            listStyle: 'none',
            display: 'grid',
            gridTemplateColumns: 'minmax(0, 1fr) 3.5em 9em',
            columnGap: 1.5,
            rowGap: 0.75,
            alignItems: 'center',
          }}
        >
          {signals.map((signal) => {
            const share = Math.min(1, Math.abs(signal.weight) / MAX_WEIGHT) * 50;
            const adds = signal.weight > 0;
            return (
              <Box component="li" key={signal.signal} sx={{ display: 'contents' }}>
                <Box>
                  <Typography variant="body2" component="div">
                    {translate(`resources.cases.signals.names.${signal.signal}`, { _: signal.signal })}
                  </Typography>
                  <Typography variant="caption" color="text.secondary" component="div">
                    {signal.detail}
                  </Typography>
                </Box>
                <Typography
                  variant="body2"
                  align="right"
                  sx={{
                    fontVariantNumeric: 'tabular-nums',
                    fontWeight: 600,
                    color: signal.signal === 'base' ? 'text.secondary' : adds ? 'error.main' : 'success.main',
                  }}
                >
                  {adds && signal.signal !== 'base' ? `+${signal.weight}` : signal.weight}
                </Typography>
                <Box component="svg" viewBox="0 0 100 10" aria-hidden preserveAspectRatio="none" sx={{ width: '100%', height: 10, display: 'block' }}>
                  <Box component="rect" x={49.5} y={0} width={1} height={10} sx={{ fill: (theme) => theme.palette.divider }} />
                  {signal.signal === 'base' ? null : (
                    <Box
                      component="rect"
                      x={adds ? 50 : 50 - share}
                      y={2}
                      width={share}
                      height={6}
                      sx={{ fill: (theme) => (adds ? theme.palette.error.main : theme.palette.success.main) }}
                    />
                  )}
                </Box>
              </Box>
            );
          })}
        </Box>
      )}
    </Panel>
  );
};
