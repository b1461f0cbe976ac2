import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from './api.ts'

export interface Loaded<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  reload: () => Promise<void>
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError({
    status: 0,
    code: 'CLIENT_ERROR',
    detail: 'Something went wrong in the page. Reload and try again.',
  })
}

/** Loads data for a component; keeps the last data while reloading so the page does not flash. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<ApiError>()
  const [loading, setLoading] = useState(true)
  const generation = useRef(0)
  const reload = useCallback(async () => {
    const mine = ++generation.current
    setLoading(true)
    try {
      const value = await load()
      if (mine !== generation.current) return
      setData(() => value)
      setError(undefined)
    } catch (failure) {
      if (mine === generation.current) setError(toApiError(failure))
    } finally {
      if (mine === generation.current) setLoading(false)
    }
  }, deps)
  useEffect(() => {
    reload()
  }, [reload])
  return { data, error, loading, reload }
}

/** Runs an action, tracking busy and the problem it ended with. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    setError(undefined)
    try {
      await action()
      return true
    } catch (failure) {
      setError(toApiError(failure))
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, clear: () => setError(undefined) }
}

export function ProblemMessage({ error, retry }: { error: ApiError | undefined; retry?: () => void }) {
  if (!error) return null
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{error.detail}</strong>
      </p>
      {error.errors && error.errors.length > 0 && (
        <ul>
          {error.errors.map((field) => (
            <li key={field.path}>
              {field.path.replace(/^\//, '') || field.in}: {field.message}
            </li>
          ))}
        </ul>
      )}
      {error.requestId && <p class="muted small">Reference: {error.requestId}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  )
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  )
}

/** Shows loading, error or content for a Loaded value. */
export function Async<T>({
  state,
  children,
  label,
}: {
  state: Loaded<T>
  label?: string
  children: (data: T) => ComponentChildren
}) {
  if (state.error && state.data === undefined)
    return <ProblemMessage error={state.error} retry={state.reload} />
  if (state.data === undefined) return <Loading {...(label ? { label } : {})} />
  return (
    <>
      {state.error && <ProblemMessage error={state.error} retry={state.reload} />}
      {children(state.data)}
    </>
  )
}

/** A modal <dialog>: focus is trapped and restored by the browser; Escape cancels. */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean
  title: string
  onClose: () => void
  children: ComponentChildren
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <h2 id="dialog-title">{title}</h2>
          {children}
        </>
      )}
    </dialog>
  )
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  error,
}: {
  open: boolean
  title: string
  children: ComponentChildren
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy: boolean
  error: ApiError | undefined
}) {
  return (
    <Dialog open={open} title={title} onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault()
          onConfirm()
        }}
      >
        {children}
        <ProblemMessage error={error} />
        <div class="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · Tally`
    // Moves focus to the new page's heading so keyboard and screen-reader users land on it.
    if (document.activeElement?.closest('nav')) ref.current?.focus()
  }, [title])
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  )
}
