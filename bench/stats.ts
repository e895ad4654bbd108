export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

export function fmt(value: number, digits = 1): string {
  return value.toFixed(digits);
}

/**
 * Growth of time (or bytes) per object per doubling of the fleet: 2 to the power of the
 * least-squares slope of log2(value per object) against log2(objects), over every size. 1.0 is
 * linear, 2.0 quadratic. A fit over all sizes, not the ratio of the two ends: a rule that takes
 * a few milliseconds at the smallest size would otherwise let one noisy measurement decide.
 */
export function growthPerDoubling(points: ReadonlyArray<{ objects: number; value: number }>): number {
  const usable = points.filter((point) => point.objects > 0 && point.value > 0 && Number.isFinite(point.value));
  if (usable.length < 2 || usable.length < points.length) return Number.NaN;
  const xs = usable.map((point) => Math.log2(point.objects));
  const ys = usable.map((point) => Math.log2(point.value / point.objects));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  xs.forEach((x, index) => {
    covariance += (x - meanX) * (ys[index]! - meanY);
    variance += (x - meanX) ** 2;
  });
  return variance === 0 ? Number.NaN : 2 ** (covariance / variance);
}
