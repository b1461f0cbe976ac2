export { ConfigError, type ConfigProblem } from './errors.ts'
export { type Config, type LoadOptions, loadConfig, type PlaidEnv, type RawEnv } from './load.ts'
export { redactedConfig } from './redact.ts'
