import { Box, Typography } from '@mui/material';

/**
 * A score from 0 to 1 as a bar with the threshold marked: plain SVG, so the
 * reviewer sees at a glance how far above or below the line it is.
 */
export const ScoreBar = ({ label, score, threshold, verdict }: { label: string; score: number | null | undefined; threshold: number; verdict: string }) => {
  const passed = score != null && score >= threshold;
  const width = 240;
  const x = (value: number) => Math.max(0, Math.min(1, value)) * width;
  return (
    <Box sx={{ mb: 1.5 }}>
      <Typography variant="body2" sx={{ display: 'flex', justifyContent: 'space-between', gap: 1, maxWidth: width + 120 }}>
        <span>{label}</span>
        <strong style={{ fontVariantNumeric: 'tabular-nums' }}>
          {score == null ? '–' : score.toFixed(2)} / {threshold.toFixed(2)} · {verdict}
        </strong>
      </Typography>
      <Box
        component="svg"
        viewBox={`0 0 ${width} 14`}
        role="img"
        aria-label={`${label}: ${score ?? '–'} / ${threshold} (${verdict})`}
        sx={{ width: '100%', maxWidth: width + 120, height: 14, display: 'block' }}
        preserveAspectRatio="none"
      >
        <Box component="rect" x={0} y={3} width={width} height={8} rx={4} sx={{ fill: (theme) => theme.palette.action.hover }} />
        {score != null ? (
          <Box
            component="rect"
            x={0}
            y={3}
            width={x(score)}
            height={8}
            rx={4}
            sx={{ fill: (theme) => (passed ? theme.palette.success.main : theme.palette.error.main) }}
          />
        ) : null}
        <Box component="rect" x={x(threshold) - 1} y={0} width={2} height={14} sx={{ fill: (theme) => theme.palette.text.primary }} />
      </Box>
    </Box>
  );
};
