// The path between two songs, on points whose answer is known.
import { describe, expect, it } from 'vitest'
import { pathBetween, positionAlong } from '../../../src/main/taste/path'

/** Points in the plane, as the model's N × k rows (k = 2). */
const plane = (points: [number, number][]) => Float32Array.from(points.flat())

describe('pathBetween', () => {
  it('takes the song nearest each evenly spaced point of the line, in order', () => {
    // A at (0,0), B at (10,0); songs near x = 2, 4, 6, 8 (off the line a little), and decoys.
    const vectors = plane([
      [0, 0], // 0: A
      [10, 0], // 1: B
      [6.1, 0.3], // 2
      [1.9, -0.2], // 3
      [8.2, 0.1], // 4
      [4, 0.4], // 5
      [5, 6], // 6: far from the line
      [4.2, -3], // 7: far from the line
    ])
    const mask = new Uint8Array(8).fill(1)
    expect(pathBetween(vectors, 2, 8, 0, 1, 4, mask)).toEqual([3, 5, 2, 4])
    const along = [3, 5, 2, 4].map((i) => positionAlong(vectors, 2, 0, 1, i))
    expect(along.map((t) => Math.round(t * 100) / 100)).toEqual([0.19, 0.4, 0.61, 0.82])
  })

  it('never repeats a song or an end, skips masked songs, and stops when songs run out', () => {
    const vectors = plane([
      [0, 0],
      [10, 0],
      [5, 0],
      [5, 0.1],
    ])
    const mask = Uint8Array.from([1, 1, 0, 1]) // song 2 may not be played
    expect(pathBetween(vectors, 2, 4, 0, 1, 3, mask)).toEqual([3])
  })
})
