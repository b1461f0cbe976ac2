import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, type Item } from '../api.ts'
import { relativeTime } from '../format.ts'
import { openPlaidLink } from '../plaid-link.ts'
import { announce, clientConfig } from '../state.ts'
import { Async, ConfirmDialog, Dialog, Empty, PageTitle, ProblemMessage, useAction, useLoad } from '../ui.tsx'

const STATUS: Record<Item['status'], string> = {
  healthy: 'Connected',
  login_required: 'Login required',
  pending_expiration: 'Consent expires soon',
  pending_disconnect: 'Disconnecting soon',
  revoked: 'Access revoked',
  error: 'Error',
}

/** A Link run: connect (no item) or reconnect an item in update mode. */
type LinkRun = { item?: Item }
type StandInProps = { item?: Item; onDone: (message: string) => void; onCancel: () => void }

export default function BanksPage() {
  const items = useLoad(() => api.items())
  const [link, setLink] = useState<LinkRun>()
  const [StandIn, setStandIn] = useState<ComponentType<StandInProps>>()
  const [removing, setRemoving] = useState<Item>()
  const action = useAction()
  const simulator = clientConfig.value?.plaidEnv === 'simulator'

  // The first sync runs in the background: refresh while any bank has not synced yet.
  const waiting = items.data?.items.some((i) => i.status === 'healthy' && !i.lastSyncedAt)
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => items.reload(), 2000)
    return () => clearInterval(timer)
  }, [waiting, items.reload])

  function done(message: string) {
    setLink(undefined)
    announce(message)
    items.reload()
  }

  async function start(run: LinkRun) {
    action.clear()
    if (simulator) {
      if (!StandIn) {
        const module = await import('../link-stand-in.tsx')
        setStandIn(() => module.StandIn)
      }
      setLink(run)
      return
    }
    await action.run(async () => {
      const message = await openPlaidLink(run.item)
      if (message) done(message)
    })
  }

  return (
    <>
      <PageTitle title="Banks">Banks</PageTitle>
      <p class="actions">
        <button type="button" class="primary" onClick={() => start({})} disabled={action.busy}>
          Connect a bank
        </button>
      </p>
      <ProblemMessage error={action.error} />
      <Async state={items} label="Loading your banks…">
        {({ items: list }) =>
          list.length === 0 ? (
            <Empty title="No banks connected">
              <p>Connect a bank to bring in its accounts and transactions.</p>
            </Empty>
          ) : (
            <ul class="banks">
              {list.map((item) => (
                <BankCard
                  key={item.id}
                  item={item}
                  onReconnect={() => start({ item })}
                  onRemove={() => setRemoving(item)}
                  reload={items.reload}
                />
              ))}
            </ul>
          )
        }
      </Async>
      {StandIn && link && (
        <Dialog
          open
          title={link.item ? `Reconnect ${link.item.institutionName}` : 'Connect a bank'}
          onClose={() => setLink(undefined)}
        >
          <StandIn
            {...(link.item ? { item: link.item } : {})}
            onDone={done}
            onCancel={() => setLink(undefined)}
          />
        </Dialog>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title={`Remove ${removing?.institutionName ?? 'bank'}?`}
        confirmLabel="Remove bank"
        busy={action.busy}
        error={action.error}
        onCancel={() => {
          setRemoving(undefined)
          action.clear()
        }}
        onConfirm={async () => {
          const item = removing
          if (!item) return
          if (await action.run(() => api.removeItem(item.id))) {
            setRemoving(undefined)
            announce(`${item.institutionName} removed`)
            items.reload()
          }
        }}
      >
        <p>
          Tally disconnects it at Plaid and deletes its {removing?.accountsCount} accounts, their balances and
          transactions. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  )
}

function BankCard({
  item,
  onReconnect,
  onRemove,
  reload,
}: {
  item: Item
  onReconnect: () => void
  onRemove: () => void
  reload: () => Promise<void>
}) {
  const sync = useAction()
  const needsLogin = item.status === 'login_required' || item.status === 'pending_expiration'
  const syncing = item.status === 'healthy' && !item.lastSyncedAt
  return (
    <li class="card bank">
      <div class="bank-head">
        <h2>{item.institutionName}</h2>
        <span class={`status ${item.status}`}>{STATUS[item.status]}</span>
      </div>
      <p class="muted">
        {item.accountsCount} account{item.accountsCount === 1 ? '' : 's'} ·{' '}
        {syncing ? 'First sync in progress…' : `Last synced ${relativeTime(item.lastSyncedAt)}`}
      </p>
      {needsLogin && <p class="notice">The bank needs you to log in again before Tally can sync it.</p>}
      {item.status === 'revoked' && (
        <p class="notice">Access was withdrawn at the bank. Remove this bank and connect it again.</p>
      )}
      {item.lastSyncError && item.status !== 'healthy' && (
        <p class="muted small">Last error: {item.errorCode ?? item.lastSyncError}</p>
      )}
      <ProblemMessage error={sync.error} />
      <div class="actions">
        {needsLogin && (
          <button type="button" class="primary" onClick={onReconnect}>
            Reconnect
          </button>
        )}
        <button
          type="button"
          disabled={sync.busy || item.status !== 'healthy'}
          onClick={async () => {
            if (await sync.run(() => api.syncItem(item.id))) {
              announce(`Sync of ${item.institutionName} started`)
              setTimeout(reload, 1500)
            }
          }}
        >
          {sync.busy ? 'Starting…' : 'Sync now'}
        </button>
        <button type="button" class="danger" onClick={onRemove}>
          Remove
        </button>
      </div>
    </li>
  )
}
