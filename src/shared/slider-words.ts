// A listener control's position (0…1) in words: the words of the first band whose upper limit
// lies above it, else the last words (the exploration and the radio's closeness sliders).

export function sliderWords(
  position: number,
  bands: readonly (readonly [below: number, words: string])[],
  last: string,
): string {
  const p = Math.min(1, Math.max(0, position))
  return bands.find(([below]) => p < below)?.[1] ?? last
}
