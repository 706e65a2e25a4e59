// Time a thread spent waiting for a core. On a machine shared by other work, a wall-clock timing
// includes the time the thread was ready to run but the scheduler ran something else; Linux counts
// it per thread (/proc/<pid>/task/<tid>/schedstat: time on a core, time waiting on a run queue,
// in ns). Subtracting the wait on a timed path gives about what the path would have taken with a
// core free for it: the code's own cost, not the neighbours' load (see pathWaitMs: the count
// errs on the side of too little, so the figure errs on the side of too slow).
import { readdirSync, readFileSync } from 'node:fs'

/** Nanoseconds a thread of this process ran and waited for a core so far; null off Linux. */
export function schedstat(tid: number): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    return run === undefined || wait === undefined ? null : { runNs: run, waitNs: wait }
  } catch {
    return null
  }
}

/** Milliseconds each of the given threads has waited for a core so far (0 where unknown). */
export function waitedMs(tids: readonly number[]): number[] {
  return tids.map((tid) => (schedstat(tid)?.waitNs ?? 0) / 1e6)
}

/**
 * The part of a timed stretch the threads spent waiting for a core, counted so that it is never
 * too much: while one thread works and the other waits for it, only the working one's wait holds
 * the answer back; both may wait at once (one on the path, one running idle work beside it), so
 * of the two only the larger wait is taken. `from` and `to` are `waitedMs` readings.
 */
export function pathWaitMs(from: readonly number[], to: readonly number[]): number {
  let most = 0
  for (let i = 0; i < from.length; i++) most = Math.max(most, (to[i] ?? 0) - (from[i] ?? 0))
  return most
}

/**
 * The thread (other than the main one) that ran longest during `work`: the worker thread doing
 * it. null off Linux.
 */
export async function busiestThread(work: () => Promise<unknown>): Promise<number | null> {
  const runs = (): Map<number, number> => {
    const out = new Map<number, number>()
    try {
      for (const name of readdirSync(`/proc/${process.pid}/task`)) {
        const tid = Number(name)
        const stat = schedstat(tid)
        if (tid !== process.pid && stat) out.set(tid, stat.runNs)
      }
    } catch {
      // not Linux: no per-thread counts
    }
    return out
  }
  const before = runs()
  await work()
  let best: number | null = null
  let most = 0
  for (const [tid, run] of runs()) {
    const ran = run - (before.get(tid) ?? 0)
    if (ran > most) [best, most] = [tid, ran]
  }
  return best
}
