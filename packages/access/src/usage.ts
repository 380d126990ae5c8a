/**
 * Last-used times kept in memory and written in one batch per interval, so that a request costs
 * a Map write and the store sees each token at most once per interval.
 */
export class UsageLog {
  #pending = new Map<string, number>()

  record(id: string, at: number): void {
    this.#pending.set(id, at)
  }

  /** Takes the pending times; a failed write gives them back with {@link restore}. */
  take(): Map<string, number> {
    const taken = this.#pending
    this.#pending = new Map()
    return taken
  }

  restore(taken: ReadonlyMap<string, number>): void {
    for (const [id, at] of taken) if (!this.#pending.has(id)) this.#pending.set(id, at)
  }
}
