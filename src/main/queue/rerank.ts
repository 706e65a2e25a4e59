// How the engine runs the re-rank of the waiting auto-picks: once per burst of events (the plan
// itself, planReplacements, is in src/shared/auto-queue.ts; the taste worker runs it).

/**
 * Runs a task once per burst of requests: a request while it runs makes it run once more
 * afterwards (not once per request), and requests in the same tick start one run.
 */
export class Coalescer {
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.loop()
  }

  /** Resolves once no run is going or asked for. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async loop(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    do {
      this.again = false
      try {
        await this.task()
      } catch (error) {
        this.onError(error)
      }
    } while (this.again)
    this.running = null
  }
}
