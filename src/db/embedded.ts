import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { acquirePidLock } from './lock.ts'

export interface EmbeddedPostgres {
  /** postgres:// URL of the loopback socket server, for the same postgres.js client as a real server. */
  url: string
  /** Where the data lives, or 'memory' for an in-memory database (tests). */
  location: string
  stop(): Promise<void>
}

/**
 * PGlite (PostgreSQL 17 compiled to WebAssembly) served on a loopback port by pglite-socket, so
 * development uses exactly the postgres.js code path production uses. `dataDir` undefined means an
 * in-memory database.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  let release = () => {}
  let location = 'memory'
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    release = acquirePidLock(join(dataDir, 'embedded-postgres.lock'), `The embedded database in ${dataDir}`)
    location = join(dataDir, 'postgres')
  }
  try {
    // pg_trgm backs transaction search; a real PostgreSQL ships it in contrib.
    const db = await PGlite.create({ ...(dataDir ? { dataDir: location } : {}), extensions: { pg_trgm } })
    // pglite-socket queues queries per connection and keeps a transaction's queries together; a few
    // slots let the pool reconnect while an old socket is still closing.
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 })
    await server.start()
    const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`
    return {
      url,
      location,
      async stop() {
        try {
          await server.stop()
          await db.close()
        } finally {
          release()
        }
      },
    }
  } catch (error) {
    release()
    throw error
  }
}
