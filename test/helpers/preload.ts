// Loaded before every test file (bunfig.toml). Keep it free of side effects that need a database:
// files that need one ask for it through test/helpers/db.ts.
import { setDefaultTimeout } from 'bun:test'

process.env.TZ = 'UTC'
// For the first file; test/helpers/db.ts sets it again in every file that uses a database.
setDefaultTimeout(30_000)
