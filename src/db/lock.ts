import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError'
}

/**
 * An exclusive lock on a data folder, held by writing our pid to a file created with O_EXCL. A lock
 * left by a process that died (including a previous container whose pid 1 was also ours) is taken
 * over; a live owner makes us refuse, because two PGlite instances on one folder corrupt it.
 */
export function acquirePidLock(path: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
      let released = false
      const release = () => {
        if (released) return
        released = true
        process.off('exit', release)
        try {
          unlinkSync(path)
        } catch {
          // already gone: nothing to release
        }
      }
      process.on('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number.parseInt(readOwner(path), 10)
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner))
        throw new DataDirInUseError(
          `${what} is in use by another Tally process (pid ${owner}). Stop that process, or point DATA_DIR at another folder.`,
        )
      try {
        unlinkSync(path)
      } catch {
        // another starter removed the stale lock first; the next attempt settles who wins
      }
    }
  }
  throw new DataDirInUseError(`${what} is being locked by another Tally process that is starting; try again.`)
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
