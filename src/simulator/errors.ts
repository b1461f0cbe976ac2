import type { PlaidError, PlaidErrorType } from 'plaid'

type CatalogEntry = {
  readonly type: `${PlaidErrorType}`
  readonly status: number
  readonly message: string
  readonly display: string | null
}

const LOGIN_REQUIRED_MESSAGE =
  "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state"

/**
 * Plaid's errors by code, with the type, HTTP status and wording Plaid uses. Messages follow Plaid's
 * (lower-case, developer-facing) style; clients must switch on `error_code`, never on text.
 */
export const ERROR_CATALOG = {
  // INVALID_REQUEST
  MISSING_FIELDS: {
    type: 'INVALID_REQUEST',
    status: 400,
    message: 'the following required fields are missing',
    display: null,
  },
  UNKNOWN_FIELDS: {
    type: 'INVALID_REQUEST',
    status: 400,
    message: 'the following fields are not recognized by this endpoint',
    display: null,
  },
  INVALID_FIELD: {
    type: 'INVALID_REQUEST',
    status: 400,
    message: 'one or more of the request fields is invalid',
    display: null,
  },
  INVALID_BODY: {
    type: 'INVALID_REQUEST',
    status: 400,
    message: 'body could not be parsed as JSON',
    display: null,
  },
  INVALID_HEADERS: {
    type: 'INVALID_REQUEST',
    status: 400,
    message: 'the request headers are invalid',
    display: null,
  },
  NOT_FOUND: { type: 'INVALID_REQUEST', status: 404, message: 'not found', display: null },
  // INVALID_INPUT
  INVALID_API_KEYS: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'invalid client_id or secret provided',
    display: null,
  },
  INVALID_ACCESS_TOKEN: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'could not find matching access token',
    display: null,
  },
  INVALID_PUBLIC_TOKEN: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'could not find matching public token',
    display: null,
  },
  INVALID_LINK_TOKEN: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'provided link token is invalid',
    display: null,
  },
  INVALID_INSTITUTION: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'invalid institution_id provided',
    display: null,
  },
  INVALID_PRODUCT: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'the products provided are not valid',
    display: null,
  },
  INVALID_ACCOUNT_ID: {
    type: 'INVALID_INPUT',
    status: 400,
    message: 'one or more of the account IDs is invalid',
    display: null,
  },
  INVALID_WEBHOOK_VERIFICATION_KEY_ID: {
    type: 'INVALID_INPUT',
    status: 400,
    message:
      'invalid key_id provided. note that key_ids are specific to Plaid environments, and verification requests must be made to the same environment that the webhook was sent from',
    display: null,
  },
  // ITEM_ERROR
  ITEM_LOGIN_REQUIRED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: LOGIN_REQUIRED_MESSAGE,
    display:
      'the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.',
  },
  ITEM_NOT_FOUND: {
    type: 'ITEM_ERROR',
    status: 400,
    message:
      'the Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user.',
    display: null,
  },
  ITEM_LOCKED: {
    type: 'ITEM_ERROR',
    status: 400,
    message:
      "the account is locked. prompt the user to visit the institution's site and unlock their account",
    display:
      "The given credentials belong to a locked account. Please visit your financial institution's website to unlock your account.",
  },
  INVALID_CREDENTIALS: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the provided credentials were not correct',
    display: 'The provided credentials were not correct. Please try again.',
  },
  INVALID_MFA: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the provided MFA responses were not correct',
    display: 'The provided MFA responses were not correct. Please try again.',
  },
  INVALID_SEND_METHOD: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the provided MFA send_method was invalid',
    display: null,
  },
  INSUFFICIENT_CREDENTIALS: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'insufficient authorization was provided to complete the request',
    display: 'Insufficient authorization was provided to complete the request.',
  },
  ITEM_NOT_SUPPORTED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'this account is currently not supported',
    display: 'Account not currently supported',
  },
  MFA_NOT_SUPPORTED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'this account requires a software-based MFA method, which is not currently supported',
    display: 'Your account requires a form of multi-factor authentication that is not currently supported.',
  },
  NO_ACCOUNTS: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'no valid accounts were found for this item',
    display:
      "No valid accounts were found at the financial institution. Please visit your financial institution's website to confirm accounts are available.",
  },
  USER_SETUP_REQUIRED: {
    type: 'ITEM_ERROR',
    status: 400,
    message:
      "the account has not been fully set up. prompt the user to visit the issuing institution's site and finish the setup process",
    display:
      "The given account is not fully setup. Please visit your financial institution's website to setup your account.",
  },
  USER_PERMISSION_REVOKED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the holder of this account has revoked their permission for your application to access it',
    display: null,
  },
  ACCESS_NOT_GRANTED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the user did not grant the necessary permissions for their account',
    display: 'This connection is not allowed to access this account.',
  },
  PRODUCT_NOT_READY: {
    type: 'ITEM_ERROR',
    status: 400,
    message:
      'the requested product is not yet ready. please provide a webhook or try the request again later',
    display: null,
  },
  PRODUCTS_NOT_SUPPORTED: {
    type: 'ITEM_ERROR',
    status: 400,
    message: 'the requested product is not supported for this item',
    display: null,
  },
  // INSTITUTION_ERROR
  INSTITUTION_DOWN: {
    type: 'INSTITUTION_ERROR',
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NOT_RESPONDING: {
    type: 'INSTITUTION_ERROR',
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NOT_AVAILABLE: {
    type: 'INSTITUTION_ERROR',
    status: 400,
    message: 'this institution is not currently responding to this request. please try again soon',
    display:
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
  },
  INSTITUTION_NO_LONGER_SUPPORTED: {
    type: 'INSTITUTION_ERROR',
    status: 400,
    message: 'this institution is no longer supported',
    display: 'This financial institution is no longer supported.',
  },
  // API_ERROR
  INTERNAL_SERVER_ERROR: {
    type: 'API_ERROR',
    status: 500,
    message: 'an unexpected error occurred',
    display: 'Something went wrong. Please try again later.',
  },
  PLANNED_MAINTENANCE: {
    type: 'API_ERROR',
    status: 503,
    message:
      'the Plaid API is temporarily unavailable due to planned maintenance. visit https://status.plaid.com/ for more information',
    display: null,
  },
  // RATE_LIMIT_EXCEEDED (Plaid names the limit per endpoint)
  RATE_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for this endpoint. please try again later',
    display: null,
  },
  ACCOUNTS_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
    display: null,
  },
  BALANCE_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
    display: null,
  },
  ITEM_GET_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
    display: null,
  },
  TRANSACTIONS_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
    display: null,
  },
  TRANSACTIONS_SYNC_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for attempts to access this item. please try again later',
    display: null,
  },
  INSTITUTIONS_GET_BY_ID_LIMIT: {
    type: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    message: 'rate limit exceeded for this endpoint. please try again later',
    display: null,
  },
  // Product-specific
  TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION: {
    type: 'TRANSACTIONS_ERROR',
    status: 400,
    message:
      'Underlying transaction data changed since last page was fetched. Please restart pagination from last update.',
    display: null,
  },
  SANDBOX_WEBHOOK_INVALID: {
    type: 'SANDBOX_ERROR',
    status: 400,
    message: 'the webhook for this item is either not set or is invalid',
    display: null,
  },
} as const satisfies Record<string, CatalogEntry>

export type ErrorCode = keyof typeof ERROR_CATALOG

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code)
}

/** Codes an item (or its institution) can be stuck in: what error_<CODE> passwords and the control API accept. */
export function isItemStateError(code: string): code is ErrorCode {
  if (!isErrorCode(code)) return false
  const type: string = ERROR_CATALOG[code].type
  return type === 'ITEM_ERROR' || type === 'INSTITUTION_ERROR'
}

/** The error object as Plaid puts it in response bodies and in webhooks. */
export type PlaidErrorBody = PlaidError & {
  status: number
  documentation_url: string
  suggested_action: string | null
}

export function errorBody(code: ErrorCode, message?: string, requestId?: string): PlaidErrorBody {
  const entry: CatalogEntry = ERROR_CATALOG[code]
  const body: PlaidErrorBody = {
    error_type: entry.type as PlaidErrorType,
    error_code: code,
    error_code_reason: null,
    error_message: message ?? entry.message,
    display_message: entry.display,
    causes: [],
    status: entry.status,
    documentation_url: `https://plaid.com/docs/errors/${entry.type.toLowerCase().replaceAll('_', '-')}/#${code.toLowerCase()}`,
    suggested_action: null,
  }
  if (requestId !== undefined) body.request_id = requestId
  return body
}

/**
 * The one error the request pipeline throws; the server turns it into Plaid's error response.
 * A class because `throw` needs an Error to carry a stack for unexpected paths.
 */
export class PlaidApiError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly detail: string | undefined

  constructor(code: ErrorCode, detail?: string) {
    super(detail ?? ERROR_CATALOG[code].message)
    this.name = 'PlaidApiError'
    this.code = code
    this.status = ERROR_CATALOG[code].status
    this.detail = detail
  }
}

export function plaidError(code: ErrorCode, detail?: string): PlaidApiError {
  return new PlaidApiError(code, detail)
}
