#!/usr/bin/env bun
// Stands behind the package.json scripts whose names are fixed but whose work arrives in a later
// version, so that running one says so plainly and fails instead of silently doing nothing.
const script = process.argv[2] ?? 'this script'
console.error(`bun run ${script}: not available in this version of Tally yet (see the open issues).`)
process.exit(1)
