import { deterministicId } from '../ids.ts'
import { createRandom } from '../random.ts'
import { type Descriptor, NO_LOCATION, type PaymentChannel } from './descriptors.ts'
import { category } from './taxonomy.ts'

/** Which accounts a purchase can be paid from. */
export type Funding = 'card' | 'debit' | 'either'

export type MerchantSpec = {
  readonly key: string
  readonly name: string
  readonly merchantName: string
  readonly detailed: string
  readonly channel: PaymentChannel
  readonly website: string | null
  readonly minCents: number
  readonly maxCents: number
  readonly weight: number
  readonly funding: Funding
  /** Restaurants authorize without the tip; the posted amount adds it. */
  readonly tipped?: boolean
  /** Cash machines dispense multiples of $20. */
  readonly roundTo?: number
}

/** Everyday spending, weighted by how often a typical household visits. */
export const MERCHANTS: readonly MerchantSpec[] = [
  {
    key: 'starbucks',
    name: 'Starbucks Store',
    merchantName: 'Starbucks',
    detailed: 'FOOD_AND_DRINK_COFFEE',
    channel: 'in store',
    website: 'starbucks.com',
    minCents: 350,
    maxCents: 875,
    weight: 10,
    funding: 'either',
  },
  {
    key: 'bluebottle',
    name: 'Blue Bottle Coffee',
    merchantName: 'Blue Bottle Coffee',
    detailed: 'FOOD_AND_DRINK_COFFEE',
    channel: 'in store',
    website: 'bluebottlecoffee.com',
    minCents: 400,
    maxCents: 900,
    weight: 4,
    funding: 'card',
  },
  {
    key: 'mcdonalds',
    name: "McDonald's",
    merchantName: "McDonald's",
    detailed: 'FOOD_AND_DRINK_FAST_FOOD',
    channel: 'in store',
    website: 'mcdonalds.com',
    minCents: 450,
    maxCents: 1400,
    weight: 5,
    funding: 'either',
  },
  {
    key: 'kfc',
    name: 'KFC',
    merchantName: 'KFC',
    detailed: 'FOOD_AND_DRINK_FAST_FOOD',
    channel: 'in store',
    website: 'kfc.com',
    minCents: 600,
    maxCents: 1800,
    weight: 2,
    funding: 'either',
  },
  {
    key: 'chipotle',
    name: 'Chipotle Mexican Grill',
    merchantName: 'Chipotle Mexican Grill',
    detailed: 'FOOD_AND_DRINK_FAST_FOOD',
    channel: 'in store',
    website: 'chipotle.com',
    minCents: 900,
    maxCents: 1900,
    weight: 4,
    funding: 'card',
  },
  {
    key: 'sparrow',
    name: 'Sparrow Kitchen',
    merchantName: 'Sparrow Kitchen',
    detailed: 'FOOD_AND_DRINK_RESTAURANT',
    channel: 'in store',
    website: null,
    minCents: 2200,
    maxCents: 9500,
    weight: 4,
    funding: 'card',
    tipped: true,
  },
  {
    key: 'goldendragon',
    name: 'Golden Dragon Restaurant',
    merchantName: 'Golden Dragon',
    detailed: 'FOOD_AND_DRINK_RESTAURANT',
    channel: 'in store',
    website: null,
    minCents: 1800,
    maxCents: 6500,
    weight: 3,
    funding: 'card',
    tipped: true,
  },
  {
    key: 'wholefoods',
    name: 'Whole Foods Market',
    merchantName: 'Whole Foods Market',
    detailed: 'FOOD_AND_DRINK_GROCERIES',
    channel: 'in store',
    website: 'wholefoodsmarket.com',
    minCents: 1800,
    maxCents: 16500,
    weight: 6,
    funding: 'either',
  },
  {
    key: 'traderjoes',
    name: "Trader Joe's",
    merchantName: "Trader Joe's",
    detailed: 'FOOD_AND_DRINK_GROCERIES',
    channel: 'in store',
    website: 'traderjoes.com',
    minCents: 1500,
    maxCents: 11000,
    weight: 6,
    funding: 'either',
  },
  {
    key: 'safeway',
    name: 'Safeway',
    merchantName: 'Safeway',
    detailed: 'FOOD_AND_DRINK_GROCERIES',
    channel: 'in store',
    website: 'safeway.com',
    minCents: 1200,
    maxCents: 9800,
    weight: 5,
    funding: 'either',
  },
  {
    key: 'shell',
    name: 'Shell Oil',
    merchantName: 'Shell',
    detailed: 'TRANSPORTATION_GAS',
    channel: 'in store',
    website: 'shell.com',
    minCents: 2500,
    maxCents: 7200,
    weight: 4,
    funding: 'either',
  },
  {
    key: 'chevron',
    name: 'Chevron',
    merchantName: 'Chevron',
    detailed: 'TRANSPORTATION_GAS',
    channel: 'in store',
    website: 'chevron.com',
    minCents: 2500,
    maxCents: 7000,
    weight: 3,
    funding: 'either',
  },
  {
    key: 'uber',
    name: 'Uber 063015 SF**POOL**',
    merchantName: 'Uber',
    detailed: 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES',
    channel: 'online',
    website: 'uber.com',
    minCents: 900,
    maxCents: 4800,
    weight: 5,
    funding: 'card',
  },
  {
    key: 'lyft',
    name: 'Lyft Ride',
    merchantName: 'Lyft',
    detailed: 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES',
    channel: 'online',
    website: 'lyft.com',
    minCents: 900,
    maxCents: 4200,
    weight: 2,
    funding: 'card',
  },
  {
    key: 'transit',
    name: 'Clipper Transit Fare',
    merchantName: 'Clipper',
    detailed: 'TRANSPORTATION_PUBLIC_TRANSIT',
    channel: 'in store',
    website: null,
    minCents: 250,
    maxCents: 1000,
    weight: 3,
    funding: 'either',
  },
  {
    key: 'amazon',
    name: 'Amazon.com*2K4LL8BN3',
    merchantName: 'Amazon',
    detailed: 'GENERAL_MERCHANDISE_ONLINE_MARKETPLACES',
    channel: 'online',
    website: 'amazon.com',
    minCents: 800,
    maxCents: 15000,
    weight: 8,
    funding: 'card',
  },
  {
    key: 'target',
    name: 'Target',
    merchantName: 'Target',
    detailed: 'GENERAL_MERCHANDISE_SUPERSTORES',
    channel: 'in store',
    website: 'target.com',
    minCents: 1200,
    maxCents: 13000,
    weight: 4,
    funding: 'either',
  },
  {
    key: 'walgreens',
    name: 'Walgreens',
    merchantName: 'Walgreens',
    detailed: 'MEDICAL_PHARMACIES_AND_SUPPLEMENTS',
    channel: 'in store',
    website: 'walgreens.com',
    minCents: 500,
    maxCents: 4500,
    weight: 2,
    funding: 'either',
  },
  {
    key: 'cvs',
    name: 'CVS/Pharmacy',
    merchantName: 'CVS',
    detailed: 'MEDICAL_PHARMACIES_AND_SUPPLEMENTS',
    channel: 'in store',
    website: 'cvs.com',
    minCents: 500,
    maxCents: 4000,
    weight: 2,
    funding: 'either',
  },
  {
    key: 'sparkfun',
    name: 'SparkFun',
    merchantName: 'SparkFun Electronics',
    detailed: 'GENERAL_MERCHANDISE_ELECTRONICS',
    channel: 'online',
    website: 'sparkfun.com',
    minCents: 1500,
    maxCents: 12000,
    weight: 1,
    funding: 'card',
  },
  {
    key: 'bicycle',
    name: 'Madison Bicycle Shop',
    merchantName: 'Madison Bicycle Shop',
    detailed: 'GENERAL_MERCHANDISE_SPORTING_GOODS',
    channel: 'in store',
    website: null,
    minCents: 2000,
    maxCents: 25000,
    weight: 1,
    funding: 'card',
  },
  {
    key: 'uniqlo',
    name: 'UNIQLO',
    merchantName: 'Uniqlo',
    detailed: 'GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES',
    channel: 'in store',
    website: 'uniqlo.com',
    minCents: 2500,
    maxCents: 12000,
    weight: 1,
    funding: 'card',
  },
  {
    key: 'homedepot',
    name: 'The Home Depot',
    merchantName: 'The Home Depot',
    detailed: 'HOME_IMPROVEMENT_HARDWARE',
    channel: 'in store',
    website: 'homedepot.com',
    minCents: 1500,
    maxCents: 20000,
    weight: 1,
    funding: 'either',
  },
  {
    key: 'amc',
    name: 'AMC Theatres',
    merchantName: 'AMC Theatres',
    detailed: 'ENTERTAINMENT_TV_AND_MOVIES',
    channel: 'in store',
    website: 'amctheatres.com',
    minCents: 1200,
    maxCents: 4500,
    weight: 1,
    funding: 'card',
  },
  {
    key: 'chewy',
    name: 'Chewy.com',
    merchantName: 'Chewy',
    detailed: 'GENERAL_MERCHANDISE_PET_SUPPLIES',
    channel: 'online',
    website: 'chewy.com',
    minCents: 2000,
    maxCents: 9000,
    weight: 0.8,
    funding: 'card',
  },
  {
    key: 'greatclips',
    name: 'Great Clips',
    merchantName: 'Great Clips',
    detailed: 'PERSONAL_CARE_HAIR_AND_BEAUTY',
    channel: 'in store',
    website: 'greatclips.com',
    minCents: 1800,
    maxCents: 3500,
    weight: 0.6,
    funding: 'either',
  },
  {
    key: 'usps',
    name: 'USPS PO 0545',
    merchantName: 'USPS',
    detailed: 'GENERAL_SERVICES_POSTAGE_AND_SHIPPING',
    channel: 'in store',
    website: 'usps.com',
    minCents: 300,
    maxCents: 2500,
    weight: 0.4,
    funding: 'either',
  },
  {
    key: 'united',
    name: 'United Airlines',
    merchantName: 'United Airlines',
    detailed: 'TRAVEL_FLIGHTS',
    channel: 'online',
    website: 'united.com',
    minCents: 15000,
    maxCents: 65000,
    weight: 0.3,
    funding: 'card',
  },
  {
    key: 'marriott',
    name: 'Marriott Hotels',
    merchantName: 'Marriott',
    detailed: 'TRAVEL_LODGING',
    channel: 'in store',
    website: 'marriott.com',
    minCents: 18000,
    maxCents: 70000,
    weight: 0.2,
    funding: 'card',
  },
  {
    key: 'atm',
    name: 'ATM Withdrawal',
    merchantName: 'ATM',
    detailed: 'TRANSFER_OUT_WITHDRAWAL',
    channel: 'in store',
    website: null,
    minCents: 4000,
    maxCents: 20000,
    weight: 1.2,
    funding: 'debit',
    roundTo: 2000,
  },
]

/** Bills, pay and transfers: the recurring skeleton of an account history. */
export const RECURRING = {
  payroll: { detailed: 'INCOME_WAGES', channel: 'other' },
  rent: {
    name: 'MAPLE PROPERTY MGMT ACH DEBIT',
    merchantName: 'Maple Property Management',
    detailed: 'RENT_AND_UTILITIES_RENT',
    channel: 'other',
    website: null,
  },
  electricity: {
    name: 'PG&E WEB ONLINE PAYMENT',
    merchantName: 'Pacific Gas and Electric',
    detailed: 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
    channel: 'online',
    website: 'pge.com',
  },
  insurance: {
    name: 'GEICO *AUTO',
    merchantName: 'GEICO',
    detailed: 'GENERAL_SERVICES_INSURANCE',
    channel: 'online',
    website: 'geico.com',
  },
  netflix: {
    name: 'NETFLIX.COM',
    merchantName: 'Netflix',
    detailed: 'ENTERTAINMENT_TV_AND_MOVIES',
    channel: 'online',
    website: 'netflix.com',
  },
  spotify: {
    name: 'Spotify USA',
    merchantName: 'Spotify',
    detailed: 'ENTERTAINMENT_MUSIC_AND_AUDIO',
    channel: 'online',
    website: 'spotify.com',
  },
  phone: {
    name: 'VZWRLSS*APOCC VISB',
    merchantName: 'Verizon Wireless',
    detailed: 'RENT_AND_UTILITIES_TELEPHONE',
    channel: 'online',
    website: 'verizonwireless.com',
  },
  internet: {
    name: 'COMCAST CABLE COMM',
    merchantName: 'Comcast',
    detailed: 'RENT_AND_UTILITIES_INTERNET_AND_CABLE',
    channel: 'online',
    website: 'xfinity.com',
  },
  gym: {
    name: 'Touchstone Climbing',
    merchantName: 'Touchstone Climbing',
    detailed: 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS',
    channel: 'online',
    website: 'touchstoneclimbing.com',
  },
  toSavings: {
    name: 'Online Transfer to SAV ...1111',
    merchantName: null,
    detailed: 'TRANSFER_OUT_SAVINGS',
    channel: 'other',
    website: null,
  },
  fromChecking: {
    name: 'Online Transfer from CHK ...0000',
    merchantName: null,
    detailed: 'TRANSFER_IN_SAVINGS',
    channel: 'other',
    website: null,
  },
  cardPaymentOut: {
    name: 'CREDIT CARD 3333 PAYMENT *//',
    merchantName: null,
    detailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
    channel: 'other',
    website: null,
  },
  cardPaymentIn: {
    name: 'PAYMENT - THANK YOU',
    merchantName: null,
    detailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
    channel: 'other',
    website: null,
  },
  interest: {
    name: 'INTRST PYMNT',
    merchantName: null,
    detailed: 'INCOME_INTEREST_EARNED',
    channel: 'other',
    website: null,
  },
} as const

export type RecurringKey = Exclude<keyof typeof RECURRING, 'payroll'>

export const EMPLOYERS = [
  'Tectra Inc',
  'Bluth Company',
  'Initech',
  'Globex Corporation',
  'Vandelay Industries',
] as const

const CITIES = [
  { city: 'San Francisco', region: 'CA', postal_code: '94110', lat: 37.7599, lon: -122.4148 },
  { city: 'Austin', region: 'TX', postal_code: '78704', lat: 30.243, lon: -97.77 },
  { city: 'Chicago', region: 'IL', postal_code: '60614', lat: 41.9227, lon: -87.6533 },
  { city: 'Brooklyn', region: 'NY', postal_code: '11211', lat: 40.7128, lon: -73.9537 },
  { city: 'Seattle', region: 'WA', postal_code: '98103', lat: 47.6615, lon: -122.342 },
  { city: 'Denver', region: 'CO', postal_code: '80205', lat: 39.7592, lon: -104.9747 },
] as const

const STREETS = [
  'Market St',
  'Valencia St',
  'Main St',
  'Congress Ave',
  'Clark St',
  'Bedford Ave',
  'Fremont Ave',
  'Colfax Ave',
]

export type MerchantBook = {
  readonly purchases: ReadonlyMap<string, Descriptor>
  readonly recurring: Readonly<Record<RecurringKey, Descriptor>>
  readonly payroll: Descriptor
}

/** Descriptors for one item: its home city, store numbers and employer are seeded per item. */
export function createMerchantBook(seed: number, serial: number): MerchantBook {
  const random = createRandom(seed, serial, 'merchants')
  const home = random.pick(CITIES)
  const employer = random.pick(EMPLOYERS)
  const purchases = new Map<string, Descriptor>()
  for (const spec of MERCHANTS) {
    const storeNumber = String(random.int(100, 9999))
    const inStore = spec.channel === 'in store'
    purchases.set(spec.key, {
      name: inStore && spec.key !== 'atm' ? `${spec.name} #${storeNumber}` : spec.name,
      merchantName: spec.key === 'atm' ? null : spec.merchantName,
      category: category(spec.detailed),
      confidence: spec.key === 'atm' ? 'HIGH' : 'VERY_HIGH',
      channel: spec.channel,
      website: spec.website,
      merchantEntityId: spec.key === 'atm' ? null : deterministicId('merchant', spec.key),
      location: inStore
        ? {
            address: `${random.int(10, 2999)} ${random.pick(STREETS)}`,
            city: home.city,
            region: home.region,
            postal_code: home.postal_code,
            country: 'US',
            lat: home.lat,
            lon: home.lon,
            store_number: storeNumber,
          }
        : NO_LOCATION,
      kind: inStore ? 'place' : 'digital',
    })
  }
  const recurring = {} as Record<RecurringKey, Descriptor>
  for (const key of Object.keys(RECURRING) as Array<keyof typeof RECURRING>) {
    if (key === 'payroll') continue
    const spec = RECURRING[key]
    recurring[key] = {
      name: spec.name,
      merchantName: spec.merchantName,
      category: category(spec.detailed),
      confidence: spec.merchantName ? 'VERY_HIGH' : 'HIGH',
      channel: spec.channel,
      website: spec.website,
      merchantEntityId: spec.merchantName ? deterministicId('merchant', key) : null,
      location: NO_LOCATION,
      kind: spec.merchantName ? 'digital' : 'special',
    }
  }
  const payroll: Descriptor = {
    name: `${employer.toUpperCase()} PAYROLL PPD ID: ${random.int(1000000000, 9999999999)}`,
    merchantName: employer,
    category: category(RECURRING.payroll.detailed),
    confidence: 'VERY_HIGH',
    channel: RECURRING.payroll.channel,
    website: null,
    merchantEntityId: deterministicId('merchant', employer),
    location: NO_LOCATION,
    kind: 'special',
  }
  return { purchases, recurring, payroll }
}
