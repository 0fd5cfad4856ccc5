/** Summary statistics for bench figures (nearest-rank percentiles; ms rounded to 0.01). */
export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const pick = (p: number): number | null => {
    const v = percentile(sorted, p);
    return v === null ? null : round2(v);
  };
  return { count: n, p50: pick(50), p95: pick(95), p99: pick(99), max: n ? round2(sorted[n - 1]!) : null, mean: n ? round2(sum / n) : null };
}

/** Wall clock in ms since the epoch with sub-ms resolution (comparable to Date.now() on the same machine). */
export const wallNow = (): number => performance.timeOrigin + performance.now();
