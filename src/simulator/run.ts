#!/usr/bin/env bun
// Runs the simulator without the rest of Tally: `bun src/simulator/run.ts --port 4010`.
import { runSimulatorCommand } from './cli.ts'

process.exit(await runSimulatorCommand(process.argv.slice(2)))
