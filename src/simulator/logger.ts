/** The logging surface the simulator needs; Tally passes its pino logger, which fits it. */
export type SimulatorLogger = {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export const silentLogger: SimulatorLogger = {
  info() {},
  warn() {},
  error() {},
}
