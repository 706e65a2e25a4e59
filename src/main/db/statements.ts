import type { Database, Statement } from 'better-sqlite3'

/**
 * A repository's statements, each prepared on its first use and kept: a method called on every
 * recommendation or event never prepares its SQL again, and a repository prepares only what its
 * caller uses.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>()

  constructor(private readonly db: Database) {}

  get<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.cache.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.cache.set(sql, statement)
    }
    return statement as unknown as Statement<P, R>
  }
}
