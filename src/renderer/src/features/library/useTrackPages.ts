// Server-side paging for the library table: pages of PAGE_SIZE tracks are fetched through
// listTracks as rows scroll into view and kept until the query changes. The page after one we
// have is asked for by its last row (keyset), which stays fast however deep the page is.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { TrackSortKey } from '../../../../shared/contract'
import type { Track } from '../../../../shared/domain'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'

export const PAGE_SIZE = 200

export interface TrackQuery {
  search: string
  sort: TrackSortKey
  descending: boolean
}

export interface TrackPages {
  /** null until the first page answers. */
  total: number | null
  rowAt: (index: number) => Track | undefined
  /** Makes sure rows [first, last] are loaded (or loading). */
  ensure: (first: number, last: number) => void
  error: string | null
  /** Drops every page and loads again (after a scan or a label change). */
  reload: () => void
}

export function useTrackPages(bridge: Bridge, query: TrackQuery, refreshKey: number): TrackPages {
  const pages = useRef(new Map<number, Track[]>())
  const loading = useRef(new Set<number>())
  const generation = useRef(0)
  const [total, setTotal] = useState<number | null>(null)
  const [, setVersion] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)

  const fetchPage = useCallback(
    (page: number) => {
      if (pages.current.has(page) || loading.current.has(page)) return
      loading.current.add(page)
      const asked = generation.current
      // Scrolling on from a page we have: ask for the rows after its last one, which the engine
      // reads from an index seek; a jump (scrollbar drag) asks by offset.
      const before = page > 0 ? pages.current.get(page - 1) : undefined
      const after = before?.length === PAGE_SIZE ? before[PAGE_SIZE - 1]?.id : undefined
      bridge.api
        .listTracks({
          ...(query.search ? { search: query.search } : {}),
          sort: query.sort,
          ...(query.descending ? { descending: true } : {}),
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
          ...(after !== undefined ? { after } : {}),
        })
        .then((answer) => {
          if (asked !== generation.current) return
          pages.current.set(page, answer.tracks)
          setTotal(answer.total)
          setError(null)
          setVersion((v) => v + 1)
        })
        .catch((e: unknown) => {
          if (asked === generation.current)
            setError(`The library could not be read: ${errorText(e)}`)
        })
        .finally(() => {
          if (asked === generation.current) loading.current.delete(page)
        })
    },
    [bridge, query.search, query.sort, query.descending],
  )

  // A new query (or a reload) starts from scratch; answers to the old one are dropped.
  useEffect(() => {
    generation.current += 1
    pages.current = new Map()
    loading.current = new Set()
    fetchPage(0)
  }, [fetchPage, refreshKey, reloads])

  const ensure = useCallback(
    (first: number, last: number) => {
      const from = Math.max(0, Math.floor(first / PAGE_SIZE))
      const to = Math.max(from, Math.floor(Math.max(first, last) / PAGE_SIZE))
      for (let page = from; page <= to; page++) fetchPage(page)
    },
    [fetchPage],
  )

  const rowAt = useCallback(
    (index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [],
  )
  const reload = useCallback(() => setReloads((r) => r + 1), [])

  return { total, rowAt, ensure, error, reload }
}
