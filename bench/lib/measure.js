// Timed loops: ops/s of one contender over one time slice.
import { performance } from 'node:perf_hooks'

let sink

/** Runs `fn(input)` in batches for `ms` milliseconds; returns ops/s. */
export function measureSync(fn, input, ms, batch) {
  const start = performance.now()
  let ops = 0
  let now
  do {
    for (let i = 0; i < batch; i++) sink = fn(input)
    ops += batch
    now = performance.now()
  } while (now - start < ms)
  return (ops * 1000) / (now - start)
}

/** The same for a function returning a promise, awaited one call at a time (as a request would). */
export async function measureAsync(fn, input, ms, batch) {
  const start = performance.now()
  let ops = 0
  let now
  do {
    for (let i = 0; i < batch; i++) sink = await fn(input)
    ops += batch
    now = performance.now()
  } while (now - start < ms)
  return (ops * 1000) / (now - start)
}

/** Measures a contender, using the loop that fits it. */
export function measure(contender, input, ms, batch) {
  return contender.async ? measureAsync(contender.fn, input, ms, batch) : measureSync(contender.fn, input, ms, batch)
}

/** Warms a contender up and picks a batch that lasts about half a millisecond. */
export async function calibrate(contender, input, ms) {
  const rate = await measure(contender, input, ms, 16)
  return Math.max(1, Math.round(rate / 2000))
}

export function keepSink() {
  return sink
}
