import type { VariableName } from './schema.ts'

export interface ConfigProblem {
  variable: VariableName
  /** What is wrong, as a sentence fragment after the variable name ("must be ...", "is required ..."). */
  message: string
  /** The value received, already redacted when secret. */
  received?: string
  example?: string
}

/** Every configuration problem at once, so a person fixes them in one pass rather than one per restart. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly warnings: readonly string[] = [],
  ) {
    super(`${problems.length} configuration problem${problems.length === 1 ? '' : 's'}`)
  }

  /** The readable list printed to stderr before exiting with 78. */
  format(): string {
    const count = this.problems.length
    const lines = [`Tally cannot start: ${count} configuration problem${count === 1 ? '' : 's'}:`, '']
    for (const problem of this.problems) {
      const details = [
        problem.received !== undefined ? `got ${problem.received}` : undefined,
        problem.example,
      ].filter(Boolean)
      lines.push(
        `  ✗ ${problem.variable} ${problem.message}${details.length ? ` (${details.join('; ')})` : ''}`,
      )
    }
    if (this.warnings.length) lines.push('', ...this.warnings.map((warning) => `  ! ${warning}`))
    lines.push('', 'Every variable is described in docs/ENVIRONMENT.md and .env.example.')
    return lines.join('\n')
  }
}
