import { Box } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { outcomeColor } from './chart-colors';

export interface DailyOutcome {
  day: string; // YYYY-MM-DD
  approved: number;
  rejected: number;
}

/**
 * Approvals (up, green) and rejections (down, red) per day as columns around
 * a zero line, in plain SVG; every day of the period has a slot.
 */
export const DailyColumns = ({
  days,
  title,
  approvedLabel,
  rejectedLabel,
  formatDay,
}: {
  days: DailyOutcome[];
  title: string;
  approvedLabel: string;
  rejectedLabel: string;
  formatDay: (day: string) => string;
}) => {
  const theme = useTheme();
  const width = 600;
  const height = 180;
  const left = 28;
  const top = 8;
  const plotHeight = height - 36;
  const maxUp = Math.max(1, ...days.map((d) => d.approved));
  const maxDown = Math.max(1, ...days.map((d) => d.rejected));
  const scale = plotHeight / (maxUp + maxDown);
  const zero = top + maxUp * scale;
  const slot = (width - left) / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const tickEvery = Math.ceil(days.length / 6);
  return (
    <Box component="svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} sx={{ width: '100%', height: 'auto', display: 'block' }}>
      <title>{title}</title>
      <text x={left - 4} y={top + 8} textAnchor="end" fontSize={10} fill={theme.palette.text.secondary}>
        {maxUp}
      </text>
      <text x={left - 4} y={top + plotHeight} textAnchor="end" fontSize={10} fill={theme.palette.text.secondary}>
        {maxDown}
      </text>
      <text x={left - 4} y={zero + 3} textAnchor="end" fontSize={10} fill={theme.palette.text.secondary}>
        0
      </text>
      <line x1={left} x2={width} y1={zero} y2={zero} stroke={theme.palette.divider} />
      {days.map((d, index) => {
        const x = left + index * slot + (slot - barWidth) / 2;
        const label = formatDay(d.day);
        return (
          <g key={d.day}>
            {d.approved > 0 ? (
              <rect x={x} y={zero - d.approved * scale} width={barWidth} height={d.approved * scale} fill={outcomeColor(theme, 'approved')}>
                <title>{`${label} · ${approvedLabel}: ${d.approved}`}</title>
              </rect>
            ) : null}
            {d.rejected > 0 ? (
              <rect x={x} y={zero} width={barWidth} height={d.rejected * scale} fill={outcomeColor(theme, 'rejected')}>
                <title>{`${label} · ${rejectedLabel}: ${d.rejected}`}</title>
              </rect>
            ) : null}
            {index % tickEvery === 0 ? (
              <text x={x + barWidth / 2} y={height - 6} textAnchor="middle" fontSize={10} fill={theme.palette.text.secondary}>
                {label}
              </text>
            ) : null}
          </g>
        );
      })}
    </Box>
  );
};
