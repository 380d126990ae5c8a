import { expect } from 'chai'
import { LineReader } from '../src/line-reader.js'

const text = (lines: Buffer[]): string[] => lines.map((l) => l.toString('utf8'))

describe('line-reader', () => {
  it('joins a line split over several chunks', () => {
    const reader = new LineReader(() => 100)
    expect(text(reader.push(Buffer.from('Bea')).lines)).to.deep.equal([])
    expect(text(reader.push(Buffer.from('rer a.b')).lines)).to.deep.equal([])
    expect(text(reader.push(Buffer.from('.c\nnext')).lines)).to.deep.equal(['Bearer a.b.c'])
    expect(text(reader.push(Buffer.from('\n')).lines)).to.deep.equal(['next'])
  })

  it('splits a chunk holding several lines, dropping a trailing CR, keeping empty lines', () => {
    const reader = new LineReader(() => 100)
    expect(text(reader.push(Buffer.from('one\r\ntwo\n\nthree')).lines)).to.deep.equal(['one', 'two', ''])
    expect(text(reader.push(Buffer.from('\r\n')).lines)).to.deep.equal(['three'])
  })

  it('decodes a multi-byte character split between chunks', () => {
    const reader = new LineReader(() => 100)
    const bytes = Buffer.from('€\n')
    reader.push(bytes.subarray(0, 1))
    expect(text(reader.push(bytes.subarray(1)).lines)).to.deep.equal(['€'])
  })

  it('reports overflow for a line longer than the bound, finished or not', () => {
    expect(new LineReader(() => 4).push(Buffer.from('12345')).overflow).to.equal(true)
    expect(new LineReader(() => 4).push(Buffer.from('1234\n')).overflow).to.equal(false)
    const reader = new LineReader(() => 4)
    const batch = reader.push(Buffer.from('ok\n12345\nmore'))
    expect(text(batch.lines)).to.deep.equal(['ok'])
    expect(batch.overflow).to.equal(true)
  })

  it('counts bytes already buffered against the bound', () => {
    const reader = new LineReader(() => 4)
    expect(reader.push(Buffer.from('123')).overflow).to.equal(false)
    expect(reader.push(Buffer.from('45')).overflow).to.equal(true)
  })

  it('reads the bound at each chunk, so it can change with the connection state', () => {
    let max = 2
    const reader = new LineReader(() => max)
    max = 10
    expect(text(reader.push(Buffer.from('longer\n')).lines)).to.deep.equal(['longer'])
  })
})
