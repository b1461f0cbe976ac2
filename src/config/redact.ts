import type { Config } from './load.ts'
import { VARIABLE_NAMES, variableOptions } from './schema.ts'

/** The effective configuration as `tally check-env` prints it: every variable, secrets as <redacted>. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  for (const name of VARIABLE_NAMES) {
    const value = config[name]
    shown[name] = value !== undefined && variableOptions(name).secret ? '<redacted>' : value
  }
  return shown
}
