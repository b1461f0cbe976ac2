import { type Migration, migration } from '../migrate.ts'
import m0001 from './0001_users_sessions_audit.sql' with { type: 'text' }
import m0002 from './0002_jobs.sql' with { type: 'text' }
import m0003 from './0003_bank_data.sql' with { type: 'text' }
import m0004 from './0004_manual_sync_limit.sql' with { type: 'text' }

/**
 * Every migration, in order. Imported as text so they are inside the compiled binary; a test checks
 * that each .sql file in this folder is listed here exactly once.
 */
export const migrations: readonly Migration[] = [
  migration('0001_users_sessions_audit.sql', m0001),
  migration('0002_jobs.sql', m0002),
  migration('0003_bank_data.sql', m0003),
  migration('0004_manual_sync_limit.sql', m0004),
]
