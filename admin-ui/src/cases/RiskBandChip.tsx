import { Chip, type ChipProps } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseSummary, RiskBand } from './case-types';

const BAND_COLORS: Record<RiskBand, ChipProps['color']> = {
  low: 'success',
  medium: 'warning',
  high: 'error',
};

/** The risk band as a coloured chip with the score: "High · 82". */
export const RiskBandChip = ({ band, score }: { band: RiskBand | null; score?: number | null }) => {
  const translate = useTranslate();
  if (!band) {
    return <Chip size="small" variant="outlined" label={translate('resources.cases.bands.none')} />;
  }
  const name = translate(`resources.cases.bands.${band}`);
  return (
    <Chip
      size="small"
      color={BAND_COLORS[band]}
      variant={band === 'low' ? 'outlined' : 'filled'}
      label={score == null ? name : `${name} · ${score}`}
      aria-label={translate('resources.cases.risk_label', { band: name, score: score ?? '–' })}
    />
  );
};

/** RiskBandChip for the current record (list cells). */
export const RiskBandField = () => {
  const record = useRecordContext<CaseSummary>();
  if (!record) return null;
  return <RiskBandChip band={record.riskBand} score={record.riskScore} />;
};
