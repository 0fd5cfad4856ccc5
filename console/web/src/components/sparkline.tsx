interface Props {
  points: readonly { at: number; value: number }[];
  /** What the line shows, for screen readers (the picture itself is hidden from them). */
  label: string;
  width?: number;
  height?: number;
  /** The top of the scale is at least this, so that a calm series stays low. */
  minScale?: number;
  class?: string;
}

/** A small trend line: plain SVG, x by time, y from 0 to the series' maximum (at least `minScale`). */
export function Sparkline({ points, label, width = 120, height = 28, minScale = 1, class: className = '' }: Props) {
  const pad = 2;
  const first = points[0]?.at ?? 0;
  const span = (points[points.length - 1]?.at ?? 0) - first || 1;
  const top = Math.max(minScale, ...points.map((p) => p.value));
  const x = (at: number): number => pad + ((at - first) / span) * (width - 2 * pad);
  const y = (v: number): number => height - pad - (v / top) * (height - 2 * pad);
  const last = points[points.length - 1];
  return (
    <svg class={`sparkline ${className}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} class="baseline" />
      {points.length > 1 && <polyline points={points.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')} fill="none" />}
      {last && <circle cx={points.length > 1 ? x(last.at) : width - pad - 2} cy={y(last.value)} r="2.2" />}
    </svg>
  );
}
