import type { Sql } from '../db/index.ts'
import type { Logger } from '../logger.ts'
import { recordAudit } from '../modules/audit/service.ts'
import { type TokenCipher, TokenDecryptError } from './token-crypto.ts'

export interface RotationReport {
  scanned: number
  rotated: number
  alreadyCurrent: number
  /** Items whose token opens under neither key: left untouched, listed for the operator. */
  unreadable: string[]
}

/**
 * `tally rotate-key`: re-encrypts every stored access token under ENCRYPTION_KEY, in batches, walking
 * items by id. Each token is replaced only if it is still the one read (compare-and-set), so it can
 * run beside a live server, be interrupted, and be run again: tokens already under the new key are
 * skipped, nothing is ever lost.
 */
export async function rotateAccessTokens(
  sql: Sql,
  cipher: TokenCipher,
  logger: Logger,
  batchSize = 100,
): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, rotated: 0, alreadyCurrent: 0, unreadable: [] }
  let after: string | null = null
  for (;;) {
    const batch: { id: string; token: string }[] = await sql`
      select id, access_token_encrypted as token from items
      ${after === null ? sql`` : sql`where id > ${after}`}
      order by id limit ${batchSize}`
    if (batch.length === 0) break
    for (const item of batch) {
      report.scanned++
      try {
        if (!cipher.needsRotation(item.token)) {
          cipher.decrypt(item.token, item.id) // proves it still opens
          report.alreadyCurrent++
          continue
        }
        const rotated = cipher.reencrypt(item.token, item.id)
        const updated = await sql`
          update items set access_token_encrypted = ${rotated}
          where id = ${item.id} and access_token_encrypted = ${item.token} returning id`
        if (updated.length > 0) report.rotated++
        else report.alreadyCurrent++ // changed meanwhile: a live server wrote it under the new key
      } catch (error) {
        if (!(error instanceof TokenDecryptError)) throw error
        report.unreadable.push(item.id)
        logger.error({ itemId: item.id, reason: error.reason }, 'access token opens under neither key')
      }
    }
    after = batch.at(-1)?.id ?? null
    logger.info({ ...report, unreadable: report.unreadable.length }, 'rotation progress')
  }
  await recordAudit(sql, {
    userId: null,
    event: 'key_rotated',
    details: {
      keyId: cipher.keyId,
      scanned: report.scanned,
      rotated: report.rotated,
      unreadable: report.unreadable.length,
    },
    at: new Date(),
  })
  return report
}
