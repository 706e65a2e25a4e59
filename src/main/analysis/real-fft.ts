/**
 * A real-input FFT of one fixed power-of-two size, tuned for the analysis frames: the N real
 * samples are packed as N/2 complex ones (even samples real, odd samples imaginary), run through
 * an iterative radix-4 complex FFT on split real/imaginary Float64Arrays, and separated into the
 * N/2 + 1 bins of the real spectrum (the standard "two-for-one" real FFT, e.g. Press et al.,
 * Numerical Recipes, §12.3; Sorensen et al. 1987). All tables and scratch buffers are built once,
 * so a transform allocates nothing.
 */
export class RealFft {
  readonly size: number
  /** Bins of the one-sided spectrum: size / 2 + 1. */
  readonly bins: number
  private readonly half: number
  private readonly bitReversed: Uint32Array
  /** Twiddles of the passes from length 16 up, concatenated. */
  private readonly stageCos: Float64Array
  private readonly stageSin: Float64Array
  /** exp(−2πik/size) for k < size / 2, for the final even/odd separation. */
  private readonly splitCos: Float64Array
  private readonly splitSin: Float64Array
  private readonly packedRe: Float64Array
  private readonly packedIm: Float64Array

  constructor(size: number) {
    if (!(size >= 16) || (size & (size - 1)) !== 0)
      throw new RangeError('the FFT size must be a power of two, at least 16')
    this.size = size
    this.half = size / 2
    this.bins = this.half + 1
    const half = this.half
    const bits = Math.round(Math.log2(half))
    this.bitReversed = new Uint32Array(half)
    for (let n = 0; n < half; n++) {
      let reversed = 0
      for (let b = 0; b < bits; b++) reversed |= ((n >> b) & 1) << (bits - 1 - b)
      this.bitReversed[n] = reversed
    }
    // Radix-4 twiddles per stage, interleaved (w^k, w^2k, w^3k), then radix-2 ones if needed.
    const stageCos: number[] = []
    const stageSin: number[] = []
    let length = 16
    for (; length <= half; length *= 4) {
      for (let k = 0; k < length / 4; k++) {
        for (let power = 1; power <= 3; power++) {
          stageCos.push(Math.cos((2 * Math.PI * k * power) / length))
          stageSin.push(-Math.sin((2 * Math.PI * k * power) / length))
        }
      }
    }
    if (length / 4 < half) {
      for (let k = 0; k < half / 2; k++) {
        stageCos.push(Math.cos((2 * Math.PI * k) / half))
        stageSin.push(-Math.sin((2 * Math.PI * k) / half))
      }
    }
    this.stageCos = Float64Array.from(stageCos)
    this.stageSin = Float64Array.from(stageSin)
    this.splitCos = new Float64Array(half)
    this.splitSin = new Float64Array(half)
    for (let k = 0; k < half; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size)
      this.splitSin[k] = -Math.sin((2 * Math.PI * k) / size)
    }
    this.packedRe = new Float64Array(half)
    this.packedIm = new Float64Array(half)
  }

  /**
   * The spectrum X[k] = Σ x[n]·exp(−2πikn/size) of `input` (length ≥ size) for k = 0 … size/2,
   * written to re and im (each of length ≥ bins).
   */
  transform(input: Float64Array, re: Float64Array, im: Float64Array): void {
    this.firstPass(input, 0, null)
    this.laterPasses()
    const { half, packedRe: zr, packedIm: zi, splitCos, splitSin } = this
    re[0] = zr[0]! + zi[0]!
    im[0] = 0
    re[half] = zr[0]! - zi[0]!
    im[half] = 0
    // Separate the spectra of the even (E) and odd (O) samples: Z[k] = E[k] + i·O[k], and
    // X[k] = E[k] + exp(−2πik/size)·O[k].
    for (let k = 1; k < half; k++) {
      const ar = zr[k]!
      const ai = zi[k]!
      const br = zr[half - k]!
      const bi = -zi[half - k]!
      const evenRe = 0.5 * (ar + br)
      const evenIm = 0.5 * (ai + bi)
      const oddRe = 0.5 * (ai - bi)
      const oddIm = -0.5 * (ar - br)
      const c = splitCos[k]!
      const s = splitSin[k]!
      re[k] = evenRe + c * oddRe - s * oddIm
      im[k] = evenIm + c * oddIm + s * oddRe
    }
  }

  /**
   * The power spectrum |X[k]|², k = 0 … size/2, of signal[offset … offset + size) multiplied by
   * `window`, written to power (length ≥ bins). The frame must lie wholly inside the signal.
   * Windowing happens while the samples are read, so no windowed copy is made.
   */
  windowedPower(
    signal: Float32Array,
    offset: number,
    window: Float32Array,
    power: Float64Array,
  ): void {
    this.firstPass(signal, offset, window)
    this.laterPasses()
    const { half, packedRe: zr, packedIm: zi, splitCos, splitSin } = this
    const dc = zr[0]! + zi[0]!
    const nyquist = zr[0]! - zi[0]!
    power[0] = dc * dc
    power[half] = nyquist * nyquist
    // Bins k and half − k from the same two packed values. With E, O as in `transform`,
    // w = exp(−2πik/size) and P + iQ = w·O: E and O of bin half − k are conj(E) and conj(O),
    // and its twiddle is −conj(w), so X[k] = (Er + P) + i(Ei + Q) and
    // X[half − k] = conj(E) − conj(w·O) = (Er − P) + i(Q − Ei).
    const quarter = half / 2
    for (let k = 1; k <= quarter; k++) {
      const ar = zr[k]!
      const ai = zi[k]!
      const br = zr[half - k]!
      const bi = -zi[half - k]!
      const evenRe = 0.5 * (ar + br)
      const evenIm = 0.5 * (ai + bi)
      const oddRe = 0.5 * (ai - bi)
      const oddIm = -0.5 * (ar - br)
      const c = splitCos[k]!
      const s = splitSin[k]!
      const p = c * oddRe - s * oddIm
      const q = c * oddIm + s * oddRe
      const real = evenRe + p
      const imaginary = evenIm + q
      power[k] = real * real + imaginary * imaginary
      const mirrorReal = evenRe - p
      const mirrorImaginary = q - evenIm
      power[half - k] = mirrorReal * mirrorReal + mirrorImaginary * mirrorImaginary
    }
  }

  /**
   * Lengths 2 and 4 together, as one radix-4 pass reading the input in bit-reversed order (its
   * twiddles are ±1 and −i), each sample scaled by the window when there is one.
   */
  private firstPass(
    input: Float32Array | Float64Array,
    offset: number,
    window: Float32Array | null,
  ): void {
    const { half, bitReversed, packedRe: zr, packedIm: zi } = this
    for (let i = 0; i < half; i += 4) {
      const e0 = 2 * bitReversed[i]!
      const e1 = 2 * bitReversed[i + 1]!
      const e2 = 2 * bitReversed[i + 2]!
      const e3 = 2 * bitReversed[i + 3]!
      let x0r = input[offset + e0]!
      let x0i = input[offset + e0 + 1]!
      let x1r = input[offset + e1]!
      let x1i = input[offset + e1 + 1]!
      let x2r = input[offset + e2]!
      let x2i = input[offset + e2 + 1]!
      let x3r = input[offset + e3]!
      let x3i = input[offset + e3 + 1]!
      if (window) {
        x0r *= window[e0]!
        x0i *= window[e0 + 1]!
        x1r *= window[e1]!
        x1i *= window[e1 + 1]!
        x2r *= window[e2]!
        x2i *= window[e2 + 1]!
        x3r *= window[e3]!
        x3i *= window[e3 + 1]!
      }
      const r0 = x0r + x1r
      const i0 = x0i + x1i
      const r1 = x0r - x1r
      const i1 = x0i - x1i
      const r2 = x2r + x3r
      const i2 = x2i + x3i
      const r3 = x2r - x3r
      const i3 = x2i - x3i
      zr[i] = r0 + r2
      zi[i] = i0 + i2
      zr[i + 2] = r0 - r2
      zi[i + 2] = i0 - i2
      // (r3 + i·i3)·(−i) = i3 − i·r3
      zr[i + 1] = r1 + i3
      zi[i + 1] = i1 - r3
      zr[i + 3] = r1 - i3
      zi[i + 3] = i1 + r3
    }
  }

  private laterPasses(): void {
    const { half, packedRe: zr, packedIm: zi } = this
    // Radix-4 passes from length 16 up (Cooley–Tukey decimation in time): each combines four
    // transforms of length L/4 in place, with twiddles w^k, w^2k, w^3k (w = exp(−2πi/L)).
    // A final radix-2 pass when log2(half) is odd.
    const { stageCos, stageSin } = this
    let table = 0
    let length = 16
    for (; length <= half; length *= 4) {
      const quarter = length / 4
      for (let group = 0; group < half; group += length) {
        for (let k = 0; k < quarter; k++) {
          const t = table + 3 * k
          const c1 = stageCos[t]!
          const s1 = stageSin[t]!
          const c2 = stageCos[t + 1]!
          const s2 = stageSin[t + 1]!
          const c3 = stageCos[t + 2]!
          const s3 = stageSin[t + 2]!
          const p0 = group + k
          const p1 = p0 + quarter
          const p2 = p1 + quarter
          const p3 = p2 + quarter
          const ar = zr[p0]!
          const ai = zi[p0]!
          // Inputs in bit-reversed block order: p1 holds the w^2k operand, p2 the w^k one.
          const xr1 = zr[p1]!
          const xi1 = zi[p1]!
          const br = xr1 * c2 - xi1 * s2
          const bi = xr1 * s2 + xi1 * c2
          const xr2 = zr[p2]!
          const xi2 = zi[p2]!
          const cr = xr2 * c1 - xi2 * s1
          const ci = xr2 * s1 + xi2 * c1
          const xr3 = zr[p3]!
          const xi3 = zi[p3]!
          const dr = xr3 * c3 - xi3 * s3
          const di = xr3 * s3 + xi3 * c3
          const sumRe = ar + br
          const sumIm = ai + bi
          const differenceRe = ar - br
          const differenceIm = ai - bi
          const highSumRe = cr + dr
          const highSumIm = ci + di
          const highDifferenceRe = cr - dr
          const highDifferenceIm = ci - di
          zr[p0] = sumRe + highSumRe
          zi[p0] = sumIm + highSumIm
          zr[p2] = sumRe - highSumRe
          zi[p2] = sumIm - highSumIm
          // (−i)·(x + iy) = y − ix
          zr[p1] = differenceRe + highDifferenceIm
          zi[p1] = differenceIm - highDifferenceRe
          zr[p3] = differenceRe - highDifferenceIm
          zi[p3] = differenceIm + highDifferenceRe
        }
      }
      table += 3 * quarter
    }
    if (length / 4 < half) {
      const span = half / 2
      for (let k = 0; k < span; k++) {
        const c = stageCos[table + k]!
        const s = stageSin[table + k]!
        const j = k + span
        const xr = zr[j]!
        const xi = zi[j]!
        const tr = xr * c - xi * s
        const ti = xr * s + xi * c
        const ar = zr[k]!
        const ai = zi[k]!
        zr[k] = ar + tr
        zi[k] = ai + ti
        zr[j] = ar - tr
        zi[j] = ai - ti
      }
    }
  }
}
