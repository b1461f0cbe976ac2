/**
 * Plaid's personal finance category taxonomy (v1): primary categories and the suffixes of their
 * detailed categories. `detailed` is always `${primary}_${suffix}`.
 */
const TAXONOMY: Readonly<Record<string, readonly string[]>> = {
  INCOME: [
    'DIVIDENDS',
    'INTEREST_EARNED',
    'RETIREMENT_PENSION',
    'TAX_REFUND',
    'UNEMPLOYMENT',
    'WAGES',
    'OTHER_INCOME',
  ],
  TRANSFER_IN: [
    'CASH_ADVANCES_AND_LOANS',
    'DEPOSIT',
    'INVESTMENT_AND_RETIREMENT_FUNDS',
    'SAVINGS',
    'ACCOUNT_TRANSFER',
    'OTHER_TRANSFER_IN',
  ],
  TRANSFER_OUT: [
    'INVESTMENT_AND_RETIREMENT_FUNDS',
    'SAVINGS',
    'WITHDRAWAL',
    'ACCOUNT_TRANSFER',
    'OTHER_TRANSFER_OUT',
  ],
  LOAN_PAYMENTS: [
    'CAR_PAYMENT',
    'CREDIT_CARD_PAYMENT',
    'PERSONAL_LOAN_PAYMENT',
    'MORTGAGE_PAYMENT',
    'STUDENT_LOAN_PAYMENT',
    'OTHER_PAYMENT',
  ],
  BANK_FEES: [
    'ATM_FEES',
    'FOREIGN_TRANSACTION_FEES',
    'INSUFFICIENT_FUNDS',
    'INTEREST_CHARGE',
    'OVERDRAFT_FEES',
    'OTHER_BANK_FEES',
  ],
  ENTERTAINMENT: [
    'CASINOS_AND_GAMBLING',
    'MUSIC_AND_AUDIO',
    'SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS',
    'TV_AND_MOVIES',
    'VIDEO_GAMES',
    'OTHER_ENTERTAINMENT',
  ],
  FOOD_AND_DRINK: [
    'BEER_WINE_AND_LIQUOR',
    'COFFEE',
    'FAST_FOOD',
    'GROCERIES',
    'RESTAURANT',
    'VENDING_MACHINES',
    'OTHER_FOOD_AND_DRINK',
  ],
  GENERAL_MERCHANDISE: [
    'BOOKSTORES_AND_NEWSSTANDS',
    'CLOTHING_AND_ACCESSORIES',
    'CONVENIENCE_STORES',
    'DEPARTMENT_STORES',
    'DISCOUNT_STORES',
    'ELECTRONICS',
    'GIFTS_AND_NOVELTIES',
    'OFFICE_SUPPLIES',
    'ONLINE_MARKETPLACES',
    'PET_SUPPLIES',
    'SPORTING_GOODS',
    'SUPERSTORES',
    'TOBACCO_AND_VAPE',
    'OTHER_GENERAL_MERCHANDISE',
  ],
  HOME_IMPROVEMENT: ['FURNITURE', 'HARDWARE', 'REPAIR_AND_MAINTENANCE', 'SECURITY', 'OTHER_HOME_IMPROVEMENT'],
  MEDICAL: [
    'DENTAL_CARE',
    'EYE_CARE',
    'NURSING_CARE',
    'PHARMACIES_AND_SUPPLEMENTS',
    'PRIMARY_CARE',
    'VETERINARY_SERVICES',
    'OTHER_MEDICAL',
  ],
  PERSONAL_CARE: [
    'GYMS_AND_FITNESS_CENTERS',
    'HAIR_AND_BEAUTY',
    'LAUNDRY_AND_DRY_CLEANING',
    'OTHER_PERSONAL_CARE',
  ],
  GENERAL_SERVICES: [
    'ACCOUNTING_AND_FINANCIAL_PLANNING',
    'AUTOMOTIVE',
    'CHILDCARE',
    'CONSULTING_AND_LEGAL',
    'EDUCATION',
    'INSURANCE',
    'POSTAGE_AND_SHIPPING',
    'STORAGE',
    'OTHER_GENERAL_SERVICES',
  ],
  GOVERNMENT_AND_NON_PROFIT: [
    'DONATIONS',
    'GOVERNMENT_DEPARTMENTS_AND_AGENCIES',
    'TAX_PAYMENT',
    'OTHER_GOVERNMENT_AND_NON_PROFIT',
  ],
  TRANSPORTATION: [
    'BIKES_AND_SCOOTERS',
    'GAS',
    'PARKING',
    'PUBLIC_TRANSIT',
    'TAXIS_AND_RIDE_SHARES',
    'TOLLS',
    'OTHER_TRANSPORTATION',
  ],
  TRAVEL: ['FLIGHTS', 'LODGING', 'RENTAL_CARS', 'OTHER_TRAVEL'],
  RENT_AND_UTILITIES: [
    'GAS_AND_ELECTRICITY',
    'INTERNET_AND_CABLE',
    'RENT',
    'SEWAGE_AND_WASTE_MANAGEMENT',
    'TELEPHONE',
    'WATER',
    'OTHER_UTILITIES',
  ],
}

export type Category = { readonly primary: string; readonly detailed: string }

const BY_DETAILED = new Map<string, Category>()
for (const [primary, suffixes] of Object.entries(TAXONOMY)) {
  for (const suffix of suffixes) {
    const detailed = `${primary}_${suffix}`
    BY_DETAILED.set(detailed, { primary, detailed })
  }
}

/** The category for a detailed name; throws on a typo so catalog mistakes fail at start-up. */
export function category(detailed: string): Category {
  const found = BY_DETAILED.get(detailed)
  if (!found) throw new Error(`unknown personal finance category ${detailed}`)
  return found
}

export function findCategory(detailed: string): Category | undefined {
  return BY_DETAILED.get(detailed)
}

export const CONFIDENCE_LEVELS = ['VERY_HIGH', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const
export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number]
