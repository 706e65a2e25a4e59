import { useState, type DragEvent } from 'react'

/** What a row needs to be dragged to another place of its list. */
export interface DragRowProps {
  draggable: boolean
  onDragStart: (event: DragEvent) => void
  onDragOver: (event: DragEvent) => void
  onDragLeave: () => void
  onDrop: (event: DragEvent) => void
  onDragEnd: () => void
}

/**
 * Reordering a list by dragging its rows: `rowProps(index)` goes on each row, `dropAt` is the
 * row a drag hovers (to mark it), and `move(from, to)` is called on a drop. Off (`enabled`
 * false), rows neither drag nor take drops.
 */
export function useDragReorder(
  move: (from: number, to: number) => void,
  enabled = true,
): { dropAt: number | null; rowProps: (index: number) => DragRowProps } {
  const [dragFrom, setDragFrom] = useState<number | null>(null)
  const [dropAt, setDropAt] = useState<number | null>(null)
  const reset = () => {
    setDragFrom(null)
    setDropAt(null)
  }
  return {
    dropAt,
    rowProps: (index) => ({
      draggable: enabled,
      onDragStart: (event) => {
        event.dataTransfer.effectAllowed = 'move'
        event.dataTransfer.setData('text/plain', String(index))
        setDragFrom(index)
      },
      onDragOver: (event) => {
        if (!enabled) return
        event.preventDefault()
        setDropAt(index)
      },
      onDragLeave: () => setDropAt(null),
      onDrop: (event) => {
        event.preventDefault()
        if (dragFrom !== null && dragFrom !== index) move(dragFrom, index)
        reset()
      },
      onDragEnd: reset,
    }),
  }
}
