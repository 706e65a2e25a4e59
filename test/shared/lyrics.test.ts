import { describe, expect, it } from 'vitest'
import { lineAt, parseLrc } from '../../src/shared/lyrics'

describe('parseLrc', () => {
  it('reads timestamps in every precision, in time order', () => {
    const { synced, lines } = parseLrc(
      ['[00:12.50]Second', '[00:01]First', '[01:02.345]Third', '[1:05.5]Fourth'].join('\n'),
    )
    expect(synced).toBe(true)
    expect(lines).toEqual([
      { time: 1, text: 'First' },
      { time: 12.5, text: 'Second' },
      { time: 62.345, text: 'Third' },
      { time: 65.5, text: 'Fourth' },
    ])
  })

  it('gives a line with several stamps at each of its times', () => {
    const { lines } = parseLrc('[00:10.00][00:40.00]Chorus\n[00:20.00]Verse\n')
    expect(lines).toEqual([
      { time: 10, text: 'Chorus' },
      { time: 20, text: 'Verse' },
      { time: 40, text: 'Chorus' },
    ])
  })

  it('applies the offset tag (positive: sooner) and drops the other ID tags', () => {
    const lrc = '[ar:Someone]\n[ti:A song]\n[offset:+500]\n[00:02.00]One\n[00:00.20]Zero\n'
    expect(parseLrc(lrc).lines).toEqual([
      { time: 0, text: 'Zero' },
      { time: 1.5, text: 'One' },
    ])
    expect(parseLrc('[offset:-1500]\n[00:02.00]One').lines).toEqual([{ time: 3.5, text: 'One' }])
  })

  it('keeps blank timed lines (breaks), drops word timings and a byte-order mark', () => {
    const { lines } = parseLrc('\uFEFF[00:01.00]<00:01.00>Hello <00:01.50>there\r\n[00:03.00]\r\n')
    expect(lines).toEqual([
      { time: 1, text: 'Hello there' },
      { time: 3, text: '' },
    ])
  })

  it('reads text without timestamps as unsynced lyrics, verses and all', () => {
    const { synced, lines } = parseLrc('\n\nFirst verse\nline two\n\nSecond verse\n\n')
    expect(synced).toBe(false)
    expect(lines.map((l) => l.text)).toEqual(['First verse', 'line two', '', 'Second verse'])
    expect(lines.every((l) => l.time === null)).toBe(true)
    expect(parseLrc('').lines).toEqual([])
  })
})

describe('lineAt', () => {
  const { lines } = parseLrc('[00:01.00]a\n[00:05.00]b\n[00:05.00]c\n[00:09.00]d')
  it('finds the line being sung, -1 before the first', () => {
    expect(lineAt(lines, 0.5)).toBe(-1)
    expect(lineAt(lines, 1)).toBe(0)
    expect(lineAt(lines, 4.99)).toBe(0)
    expect(lineAt(lines, 5)).toBe(2)
    expect(lineAt(lines, 100)).toBe(3)
    expect(lineAt([], 3)).toBe(-1)
  })
  it('agrees with a linear scan on many lines', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ time: i * 0.7, text: String(i) }))
    for (const t of [0, 0.69, 0.7, 13.3, 200, 349.3, 400]) {
      let expected = -1
      many.forEach((line, i) => {
        if (line.time <= t) expected = i
      })
      expect(lineAt(many, t)).toBe(expected)
    }
  })
})
