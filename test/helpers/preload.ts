// Loaded before every test file (bunfig.toml). Keep it free of side effects that need a database:
// files that need one ask for it through test/helpers/db.ts.
import { setDefaultTimeout } from 'bun:test'

process.env.TZ = 'UTC'
// Tests start real servers, processes and databases; the 5 s default is too tight on a busy CI machine.
setDefaultTimeout(30_000)
