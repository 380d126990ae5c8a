import { expect } from 'chai'
// @ts-expect-error: the bench is plain JavaScript without declarations
import { compare } from '../bench/lib/compare.js'

// A verify part holding one hivegate row with this ratio to the floor and this spread of rounds.
function verifyRun(median: number, iqr: [number, number]) {
  const row = (id: string, ratio: number, spread: [number, number]) => ({ id, label: id, group: 'floor', ratioToFloor: ratio, ratioToFloorIqr: spread })
  return { verify: { algorithms: [{ alg: 'HS256', rows: [row('floor', 1, [1, 1]), row('hgSync', median, iqr)] }] } }
}

interface Compared {
  row: string
  verdict: string
  change: number
}

describe('bench --baseline comparison', () => {
  it('leaves the denominators out and matches rows by part, algorithm and id', () => {
    const rows: Compared[] = compare(verifyRun(0.9, [0.88, 0.92]), verifyRun(0.9, [0.88, 0.92]))
    expect(rows.map((r) => r.row)).to.deep.equal(['HS256: hgSync'])
    expect(rows[0]!.verdict).to.equal('within')
    expect(rows[0]!.change).to.equal(0)
  })

  it('calls a row worse only when both runs’ spreads agree', () => {
    expect(compare(verifyRun(0.9, [0.88, 0.92]), verifyRun(0.8, [0.78, 0.82]))[0].verdict).to.equal('worse')
    // The new median is below the old range, but the new range still covers the old median: noise.
    expect(compare(verifyRun(0.9, [0.88, 0.92]), verifyRun(0.85, [0.8, 0.95]))[0].verdict).to.equal('within')
    expect(compare(verifyRun(0.8, [0.78, 0.82]), verifyRun(0.9, [0.88, 0.92]))[0].verdict).to.equal('better')
  })

  it('reads lower-is-better figures the other way round', () => {
    const dpop = (cost: number, iqr: [number, number]) => ({ dpop: { rows: [{ id: 'bearer', label: 'Bearer', costToBearer: 1, costToBearerIqr: [1, 1] }, { id: 'dpop', label: 'DPoP', costToBearer: cost, costToBearerIqr: iqr }] } })
    const [row] = compare(dpop(2, [1.9, 2.1]), dpop(3, [2.9, 3.1]))
    expect(row.row).to.equal('DPoP')
    expect(row.verdict).to.equal('worse')
    expect(compare(dpop(3, [2.9, 3.1]), dpop(2, [1.9, 2.1]))[0].verdict).to.equal('better')
  })

  it('gives no verdict for a figure measured once', () => {
    const ws = (authMs: number) => ({ ws: { plain: { connectMs: 100 }, hivegate: { connectMs: 100, authMs } } })
    expect(compare(ws(10), ws(50))[0].verdict).to.equal('single sample')
  })

  it('skips a row the baseline does not have', () => {
    expect(compare({}, verifyRun(0.9, [0.88, 0.92]))).to.deep.equal([])
  })
})
