import type { Migration } from '../migrate.ts'

/**
 * Every migration, in order. Imported as text so they are inside the compiled binary; a test checks
 * that each .sql file in this folder is listed here exactly once.
 */
export const migrations: readonly Migration[] = []
