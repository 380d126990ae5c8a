// Order statistics for small samples.

/** The q-quantile (0..1) by linear interpolation. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

export const median = (values) => quantile(values, 0.5)

/** Median, quartiles and the IQR as a share of the median. */
export function summarize(values) {
  const q1 = quantile(values, 0.25)
  const q3 = quantile(values, 0.75)
  const med = median(values)
  return { median: med, q1, q3, iqr: q3 - q1, iqrPct: med ? ((q3 - q1) / med) * 100 : NaN, n: values.length }
}
