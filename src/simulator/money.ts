/**
 * Money is integer cents inside the simulator; Plaid's wire format is a JSON number of dollars.
 * Converting one integer at the edge is exact to the cent, and sums are only ever taken in cents.
 */
export function centsToAmount(cents: number): number {
  return cents / 100
}

/** Null when the number is not a whole number of cents (e.g. 1.005) or not finite. */
export function amountToCents(amount: number): number | null {
  if (!Number.isFinite(amount)) return null
  const cents = Math.round(amount * 100)
  if (Math.abs(cents - amount * 100) > 1e-6 || !Number.isSafeInteger(cents)) return null
  return cents
}
