import { useTheme } from '@mui/material/styles';
import { Box } from '@mui/material';

export interface StackedBarRow {
  key: string;
  label: string;
  segments: { key: string; label: string; value: number; color: string }[];
  onSelect?: () => void;
}

/**
 * Horizontal stacked bars in plain SVG: one row per category, one segment per
 * part, the total at the end. A row with `onSelect` is a keyboard-reachable link.
 */
export const StackedBars = ({ rows, title }: { rows: StackedBarRow[]; title: string }) => {
  const theme = useTheme();
  const labelWidth = 190;
  const barWidth = 300;
  const rowHeight = 28;
  const max = Math.max(1, ...rows.map((row) => row.segments.reduce((sum, s) => sum + s.value, 0)));
  const height = rows.length * rowHeight + 4;
  return (
    <Box
      component="svg"
      viewBox={`0 0 ${labelWidth + barWidth + 50} ${height}`}
      role="img"
      aria-label={title}
      sx={{ width: '100%', height: 'auto', display: 'block', fontFamily: 'inherit' }}
    >
      <title>{title}</title>
      {rows.map((row, index) => {
        const y = index * rowHeight + 4;
        const total = row.segments.reduce((sum, s) => sum + s.value, 0);
        let x = labelWidth;
        const content = (
          <>
            <text x={labelWidth - 8} y={y + 15} textAnchor="end" fontSize={12} fill={theme.palette.text.primary}>
              {row.label}
            </text>
            {row.segments.map((segment) => {
              const width = (segment.value / max) * barWidth;
              const rect = (
                <rect key={segment.key} x={x} y={y + 3} width={width} height={rowHeight - 10} fill={segment.color} rx={2}>
                  <title>{`${row.label} · ${segment.label}: ${segment.value}`}</title>
                </rect>
              );
              x += width;
              return segment.value > 0 ? rect : null;
            })}
            <text x={x + 6} y={y + 15} fontSize={12} fill={theme.palette.text.secondary}>
              {total}
            </text>
          </>
        );
        return row.onSelect ? (
          <g
            key={row.key}
            role="link"
            tabIndex={0}
            aria-label={`${row.label}: ${total}`}
            style={{ cursor: 'pointer', outline: 'none' }}
            onClick={row.onSelect}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                row.onSelect?.();
              }
            }}
          >
            <rect x={0} y={y} width={labelWidth + barWidth + 50} height={rowHeight - 2} fill="transparent" className="row-hit" />
            {content}
          </g>
        ) : (
          <g key={row.key}>{content}</g>
        );
      })}
    </Box>
  );
};
