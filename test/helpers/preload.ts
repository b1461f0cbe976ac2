// Loaded before every test file (bunfig.toml). Keep it free of side effects that need a database:
// files that need one ask for it through test/helpers/db.ts.
process.env.TZ = 'UTC'
