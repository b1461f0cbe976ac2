/**
 * The error a promise rejects with, or a failure if it resolves. (Bun's `expect(p).rejects` is
 * inexplicably slow, seconds per call, with errors raised after a PGlite transaction.)
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the promise to reject, but it resolved')
}
