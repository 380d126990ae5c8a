// Summarizes a .cpuprofile: self time by function and total time under each hivegate function.
import { readFileSync } from 'node:fs'

function where(frame) {
  const file = frame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '').replace(/.*\/packages\//, '')
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim()
}

/** Prints the top self-time functions and the inclusive time of hivegate's own functions. */
export function summarize(path, top = 30) {
  const profile = JSON.parse(readFileSync(path, 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const hits = new Map()
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1)
  const total = profile.samples.length
  const self = new Map()
  const inclusive = new Map()
  for (const [id, count] of hits) {
    const name = where(byId.get(id).callFrame)
    self.set(name, (self.get(name) ?? 0) + count)
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame
      if (!frame.url.includes('/packages/')) continue
      const n = where(frame)
      if (seen.has(n)) continue
      seen.add(n)
      inclusive.set(n, (inclusive.get(n) ?? 0) + count)
    }
  }
  const show = (map, title) => {
    console.log(`\n${title} (${total} samples)`)
    for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((count / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
  }
  show(self, `self time: ${path}`)
  show(inclusive, 'total time under hivegate functions')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) summarize(process.argv[2])
