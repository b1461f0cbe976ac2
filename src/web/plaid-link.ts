import { ApiError, api, type Item } from './api.ts'

/** Plaid Link's documented browser API (only what Tally uses). */
interface PlaidLinkHandler {
  open(): void
  destroy(): void
}
interface PlaidGlobal {
  create(options: {
    token: string
    onSuccess: (
      publicToken: string,
      metadata: {
        institution: { institution_id: string; name: string } | null
        accounts: {
          id: string
          name?: string
          mask?: string | null
          type?: string
          subtype?: string | null
        }[]
      },
    ) => void
    onExit: (error: { display_message?: string | null; error_message?: string } | null) => void
  }): PlaidLinkHandler
}

const LINK_SCRIPT = 'https://cdn.plaid.com/link/v2/stable/link-initialize.js'
let loading: Promise<PlaidGlobal> | undefined

/** Loads Plaid's script only when a bank is being connected in sandbox or production. */
function loadPlaid(): Promise<PlaidGlobal> {
  loading ??= new Promise<PlaidGlobal>((resolve, reject) => {
    const script = document.createElement('script')
    script.src = LINK_SCRIPT
    script.async = true
    script.onload = () => {
      const plaid = (window as unknown as { Plaid?: PlaidGlobal }).Plaid
      plaid ? resolve(plaid) : reject(new Error('no Plaid'))
    }
    script.onerror = () => {
      loading = undefined
      reject(new Error('script'))
    }
    document.head.append(script)
  }).catch(() => {
    loading = undefined
    throw new ApiError({
      status: 0,
      code: 'LINK_UNAVAILABLE',
      detail: 'Plaid Link could not be loaded. Check your connection and try again.',
    })
  })
  return loading as Promise<PlaidGlobal>
}

/** Runs Plaid Link; resolves to a message for the live region, or null if the person left Link. */
export async function openPlaidLink(item?: Item): Promise<string | null> {
  const [plaid, token] = await Promise.all([loadPlaid(), api.linkToken(item?.id)])
  const outcome = await new Promise<{
    publicToken: string
    institutionId: string
    accounts: Parameters<typeof api.linkItem>[0]['accounts']
  } | null>((resolve, reject) => {
    const handler = plaid.create({
      token: token.linkToken,
      onSuccess: (publicToken, metadata) => {
        handler.destroy()
        resolve({
          publicToken,
          institutionId: metadata.institution?.institution_id ?? '',
          accounts: metadata.accounts.map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}) })),
        })
      },
      onExit: (error) => {
        handler.destroy()
        if (error)
          reject(
            new ApiError({
              status: 0,
              code: 'LINK_EXITED',
              detail: error.display_message || error.error_message || 'Linking did not finish.',
            }),
          )
        else resolve(null)
      },
    })
    handler.open()
  })
  if (!outcome) return null
  if (item) {
    await api.reconnected(item.id)
    return `${item.institutionName} reconnected`
  }
  const { item: linked } = await api.linkItem(outcome)
  return `${linked.institutionName} connected; syncing its transactions`
}
