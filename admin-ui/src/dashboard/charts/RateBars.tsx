import { Box } from '@mui/material';
import { useTheme } from '@mui/material/styles';

export interface RateRow {
  key: string;
  label: string;
  approved: number;
  total: number;
}

/** Approval rate per row as a bar out of 100 %, with "approved / total" beside it; plain SVG. */
export const RateBars = ({ rows, title, formatRate }: { rows: RateRow[]; title: string; formatRate: (row: RateRow) => string }) => {
  const theme = useTheme();
  const labelWidth = 150;
  const barWidth = 260;
  const rowHeight = 26;
  const height = rows.length * rowHeight + 4;
  return (
    <Box
      component="svg"
      viewBox={`0 0 ${labelWidth + barWidth + 110} ${height}`}
      role="img"
      aria-label={title}
      sx={{ width: '100%', height: 'auto', display: 'block' }}
    >
      <title>{title}</title>
      {rows.map((row, index) => {
        const y = index * rowHeight + 4;
        const rate = row.total ? row.approved / row.total : 0;
        return (
          <g key={row.key}>
            <text x={labelWidth - 8} y={y + 14} textAnchor="end" fontSize={12} fill={theme.palette.text.primary}>
              {row.label}
            </text>
            <rect x={labelWidth} y={y + 3} width={barWidth} height={rowHeight - 10} rx={2} fill={theme.palette.error.main} opacity={0.35} />
            <rect x={labelWidth} y={y + 3} width={rate * barWidth} height={rowHeight - 10} rx={2} fill={theme.palette.success.main}>
              <title>{`${row.label}: ${formatRate(row)}`}</title>
            </rect>
            <text x={labelWidth + barWidth + 6} y={y + 14} fontSize={12} fill={theme.palette.text.secondary}>
              {formatRate(row)}
            </text>
          </g>
        );
      })}
    </Box>
  );
};
