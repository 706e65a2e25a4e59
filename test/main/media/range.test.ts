import { describe, expect, it } from 'vitest'
import { parseRange, type RangeRequest } from '../../../src/main/media'

const whole: RangeRequest = { kind: 'whole' }
const unsatisfiable: RangeRequest = { kind: 'unsatisfiable' }
const partial = (start: number, end: number): RangeRequest => ({
  kind: 'partial',
  range: { start, end },
})

describe('Range header parsing (RFC 9110 §14.1.2)', () => {
  it.each<[string | null, number, RangeRequest]>([
    [null, 100, whole],
    ['bytes=0-9', 100, partial(0, 9)],
    ['bytes=0-0', 100, partial(0, 0)],
    ['bytes=90-', 100, partial(90, 99)],
    ['bytes=90-1000', 100, partial(90, 99)],
    ['bytes=-10', 100, partial(90, 99)],
    ['bytes=-1000', 100, partial(0, 99)],
    ['BYTES = 5 - 6', 100, partial(5, 6)],
    ['bytes=5-6,', 100, partial(5, 6)],
    ['bytes=100-', 100, unsatisfiable],
    ['bytes=100-200', 100, unsatisfiable],
    ['bytes=-0', 100, unsatisfiable],
    ['bytes=0-', 0, unsatisfiable],
    ['bytes=-5', 0, whole],
    ['bytes=0-1,3-4', 100, whole],
    ['bytes=9-5', 100, whole],
    ['bytes=a-b', 100, whole],
    ['bytes=-', 100, whole],
    ['bytes=1.5-2', 100, whole],
    ['bytes=+1-2', 100, whole],
    ['items=0-9', 100, whole],
    ['bytes', 100, whole],
    ['', 100, whole],
  ])('reads %j against %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
})
