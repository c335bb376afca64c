/**
 * The demo catalogue seeded on the first `npm start`: an auto-parts shop in
 * China, prices in CNY. Plain data only; each subgraph's seeder turns what it
 * owns into rows (the catalogue its products, stock the warehouses' levels),
 * which is why it lives outside every domain folder.
 *
 * Everything is built at import time from small tables (vehicles, part
 * families, universal product lines) by deterministic code, so every start
 * seeds exactly the same catalogue. Where variety is wanted (which brand
 * stocks which part, a few yuan of price spread, which description) it comes
 * from `mix`, a fixed integer hash of the table indexes; never Math.random.
 */

export type DemoBrand = { key: string; name: string; country: string };
export type DemoCategory = { key: string; name: string; parentKey: string | null };
export type DemoSupplier = { key: string; name: string; email: string; phone: string };
export type DemoFitment = { make: string; model: string; yearFrom: number; yearTo: number };
export type DemoSku = { code: string; name: string; priceCny: string; attributes: { name: string; value: string }[] };
export type DemoProduct = {
  name: string;
  description: string;
  brandKey: string;
  categoryKey: string;
  supplierKey: string;
  taxClass: 'STANDARD' | 'REDUCED' | 'EXEMPT';
  skus: DemoSku[];
  fitments: DemoFitment[];
};

// ---------------------------------------------------------------------------
// Brands, suppliers, categories
// ---------------------------------------------------------------------------

export const demoBrands: DemoBrand[] = [
  { key: 'bosch', name: 'Bosch', country: 'DE' },
  { key: 'brembo', name: 'Brembo', country: 'IT' },
  { key: 'ate', name: 'ATE', country: 'DE' },
  { key: 'trw', name: 'TRW', country: 'DE' },
  { key: 'denso', name: 'Denso', country: 'JP' },
  { key: 'ngk', name: 'NGK', country: 'JP' },
  { key: 'mann', name: 'Mann-Filter', country: 'DE' },
  { key: 'mahle', name: 'Mahle', country: 'DE' },
  { key: 'valeo', name: 'Valeo', country: 'FR' },
  { key: 'hella', name: 'Hella', country: 'DE' },
  { key: 'philips', name: 'Philips', country: 'NL' },
  { key: 'osram', name: 'Osram', country: 'DE' },
  { key: 'continental', name: 'Continental', country: 'DE' },
  { key: 'gates', name: 'Gates', country: 'US' },
  { key: 'sachs', name: 'Sachs', country: 'DE' },
  { key: 'kyb', name: 'KYB', country: 'JP' },
  { key: 'monroe', name: 'Monroe', country: 'US' },
  { key: 'skf', name: 'SKF', country: 'SE' },
  { key: 'fag', name: 'FAG', country: 'DE' },
  { key: 'castrol', name: 'Castrol', country: 'GB' },
  { key: 'mobil', name: 'Mobil', country: 'US' },
  { key: 'shell', name: 'Shell', country: 'GB' },
  { key: 'varta', name: 'Varta', country: 'DE' },
  { key: 'michelin', name: 'Michelin', country: 'FR' },
  { key: 'bridgestone', name: 'Bridgestone', country: 'JP' },
  { key: 'wanxiang', name: 'Wanxiang', country: 'CN' },
  { key: 'fuyao', name: 'Fuyao', country: 'CN' },
  { key: 'camel', name: 'Camel', country: 'CN' },
  { key: 'linglong', name: 'Linglong', country: 'CN' },
];

export const demoSuppliers: DemoSupplier[] = [
  { key: 'donghai', name: 'Shanghai Donghai Auto Parts Trading Co., Ltd.', email: 'orders.donghai@example.com', phone: '+86 21 5550 0101' },
  { key: 'jingjin', name: 'Beijing Jingjin Chassis Parts Co., Ltd.', email: 'sales.jingjin@example.com', phone: '+86 10 5550 0202' },
  { key: 'zhujiang', name: 'Guangzhou Zhujiang Auto Components Co., Ltd.', email: 'trade.zhujiang@example.com', phone: '+86 20 5550 0303' },
  { key: 'xihu', name: 'Hangzhou Xihu Filtration & Bearings Co., Ltd.', email: 'purchasing.xihu@example.com', phone: '+86 571 5550 0404' },
  { key: 'tianfu', name: 'Chengdu Tianfu Auto Supply Co., Ltd.', email: 'service.tianfu@example.com', phone: '+86 28 5550 0505' },
  { key: 'bohai', name: 'Tianjin Bohai Lubricants Distribution Co., Ltd.', email: 'orders.bohai@example.com', phone: '+86 22 5550 0606' },
  { key: 'nanfang', name: 'Shenzhen Nanfang Tyre & Battery Co., Ltd.', email: 'sales.nanfang@example.com', phone: '+86 755 5550 0707' },
];

/** Which distributor a brand is bought from. */
const supplierOf: Record<string, string> = {
  bosch: 'donghai',
  valeo: 'donghai',
  hella: 'donghai',
  philips: 'donghai',
  osram: 'donghai',
  brembo: 'jingjin',
  ate: 'jingjin',
  trw: 'jingjin',
  sachs: 'jingjin',
  monroe: 'jingjin',
  denso: 'zhujiang',
  ngk: 'zhujiang',
  kyb: 'zhujiang',
  mann: 'xihu',
  mahle: 'xihu',
  wanxiang: 'xihu',
  fag: 'xihu',
  gates: 'tianfu',
  skf: 'tianfu',
  fuyao: 'tianfu',
  camel: 'tianfu',
  castrol: 'bohai',
  mobil: 'bohai',
  shell: 'bohai',
  continental: 'nanfang',
  varta: 'nanfang',
  michelin: 'nanfang',
  bridgestone: 'nanfang',
  linglong: 'nanfang',
};

export const demoCategories: DemoCategory[] = [
  { key: 'brakes', name: 'Brakes', parentKey: null },
  { key: 'brake-pads', name: 'Brake pads', parentKey: 'brakes' },
  { key: 'brake-discs', name: 'Brake discs', parentKey: 'brakes' },
  { key: 'brake-fluid', name: 'Brake fluid', parentKey: 'brakes' },
  { key: 'filters', name: 'Filters', parentKey: null },
  { key: 'oil-filters', name: 'Oil filters', parentKey: 'filters' },
  { key: 'air-filters', name: 'Air filters', parentKey: 'filters' },
  { key: 'cabin-filters', name: 'Cabin filters', parentKey: 'filters' },
  { key: 'fuel-filters', name: 'Fuel filters', parentKey: 'filters' },
  { key: 'ignition', name: 'Ignition', parentKey: null },
  { key: 'spark-plugs', name: 'Spark plugs', parentKey: 'ignition' },
  { key: 'ignition-coils', name: 'Ignition coils', parentKey: 'ignition' },
  { key: 'suspension', name: 'Suspension & steering', parentKey: null },
  { key: 'shock-absorbers', name: 'Shock absorbers', parentKey: 'suspension' },
  { key: 'coil-springs', name: 'Coil springs', parentKey: 'suspension' },
  { key: 'wheel-bearings', name: 'Wheel bearings', parentKey: 'suspension' },
  { key: 'engine', name: 'Engine', parentKey: null },
  { key: 'belts', name: 'Belts & timing', parentKey: 'engine' },
  { key: 'timing-belts', name: 'Timing belt kits', parentKey: 'belts' },
  { key: 'drive-belts', name: 'Drive belts', parentKey: 'belts' },
  { key: 'water-pumps', name: 'Water pumps', parentKey: 'engine' },
  { key: 'engine-oil', name: 'Engine oil', parentKey: 'engine' },
  { key: 'electrical', name: 'Electrical', parentKey: null },
  { key: 'batteries', name: 'Batteries', parentKey: 'electrical' },
  { key: 'alternators', name: 'Alternators', parentKey: 'electrical' },
  { key: 'bulbs', name: 'Bulbs', parentKey: 'electrical' },
  { key: 'headlight-bulbs', name: 'Headlight bulbs', parentKey: 'bulbs' },
  { key: 'signal-bulbs', name: 'Signal & interior bulbs', parentKey: 'bulbs' },
  { key: 'wipers', name: 'Wipers', parentKey: null },
  { key: 'wiper-blades', name: 'Wiper blades', parentKey: 'wipers' },
  { key: 'tyres', name: 'Tyres', parentKey: null },
  { key: 'car-tyres', name: 'Passenger car tyres', parentKey: 'tyres' },
  { key: 'suv-tyres', name: 'SUV tyres', parentKey: 'tyres' },
  { key: 'glass', name: 'Glass', parentKey: null },
  { key: 'windscreens', name: 'Windscreens', parentKey: 'glass' },
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A small integer hash (murmur3 finaliser): the only source of "variety". */
function mix(n: number): number {
  let x = (n + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i % items.length];
  if (item === undefined) throw new Error('demo-data: empty table');
  return item;
}

/** Price uplift by brand, in percent (premium brands cost more than house-brand level). */
const brandPct: Record<string, number> = {
  brembo: 125,
  ate: 105,
  trw: 95,
  mann: 108,
  mahle: 104,
  denso: 105,
  sachs: 110,
  monroe: 95,
  valeo: 95,
  continental: 104,
  skf: 115,
  fag: 110,
  wanxiang: 80,
};

/** Parts for premium cars cost more than the same part for an economy sedan. */
const tierPct = { 1: 100, 2: 118, 3: 155 } as const;

/** A whole-yuan retail price ending in 8 (or a plain integer below 100 yuan), as "288.00". */
function retail(amount: number): string {
  const n = amount >= 100 ? Math.round(amount / 10) * 10 - 2 : Math.max(5, Math.round(amount));
  return `${n}.00`;
}

/** Base price adjusted for vehicle tier, brand and a ±8% spread that is stable per seed. */
function cny(base: number, tier: 1 | 2 | 3, brandKey: string, seed: number): string {
  const spread = 92 + (mix(seed) % 17);
  return retail((base * tierPct[tier] * (brandPct[brandKey] ?? 100) * spread) / 1_000_000);
}

function attrs(pairs: [string, string][]): { name: string; value: string }[] {
  return pairs.map(([name, value]) => ({ name, value }));
}

// ---------------------------------------------------------------------------
// Vehicles common on Chinese roads, one generation each
// ---------------------------------------------------------------------------

type Vehicle = {
  code: string;
  make: string;
  model: string;
  from: number;
  to: number;
  engine: string;
  tier: 1 | 2 | 3;
  body: 'sedan' | 'hatch' | 'suv';
  /** Front and rear brake disc diameters, mm. */
  disc: [number, number];
  /** Driver and passenger wiper lengths, inches. */
  wipers: [number, number];
  /** Cartridge (element) oil filter rather than spin-on. */
  cartridge?: boolean;
  /** DM-i plug-in hybrid: no belt-driven alternator or accessory belt. */
  hybrid?: boolean;
  /** Cam drive is a belt (VW EA211) rather than a chain. */
  timingBelt?: boolean;
  /** Serviceable in-line fuel filter. */
  fuelFilter?: boolean;
};

type Flag = 'cartridge' | 'hybrid' | 'timingBelt' | 'fuelFilter';

function car(
  code: string,
  make: string,
  model: string,
  from: number,
  to: number,
  engine: string,
  tier: 1 | 2 | 3,
  body: Vehicle['body'],
  disc: [number, number],
  wipers: [number, number],
  flag?: Flag,
): Vehicle {
  const vehicle: Vehicle = { code, make, model, from, to, engine, tier, body, disc, wipers };
  if (flag) vehicle[flag] = true;
  return vehicle;
}

/** code, make, model, years, engine, price tier, body, disc diameters (mm), wiper lengths (in), flag */
const vehicles: Vehicle[] = [
  car('TOY-COR', 'Toyota', 'Corolla', 2014, 2019, '1.2T 8NR-FTS', 1, 'sedan', [275, 259], [26, 14]),
  car('TOY-CAM', 'Toyota', 'Camry', 2018, 2024, '2.5L A25A-FKS', 2, 'sedan', [296, 281], [26, 18]),
  car('TOY-RAV4', 'Toyota', 'RAV4', 2020, 2024, '2.0L M20A-FKS', 2, 'suv', [305, 281], [26, 16]),
  car('HON-CIV', 'Honda', 'Civic', 2016, 2021, '1.5T L15B', 1, 'sedan', [282, 260], [26, 16]),
  car('HON-ACC', 'Honda', 'Accord', 2018, 2022, '1.5T L15B', 2, 'sedan', [293, 282], [26, 16]),
  car('HON-CRV', 'Honda', 'CR-V', 2017, 2022, '1.5T L15B', 2, 'suv', [320, 305], [26, 17]),
  car('VW-GOLF', 'Volkswagen', 'Golf', 2014, 2020, '1.4T EA211', 1, 'hatch', [288, 272], [24, 19], 'timingBelt'),
  car('VW-PAS', 'Volkswagen', 'Passat', 2019, 2024, '2.0T EA888', 2, 'sedan', [312, 272], [26, 19], 'cartridge'),
  car('VW-LAV', 'Volkswagen', 'Lavida', 2018, 2022, '1.5L EA211', 1, 'sedan', [280, 253], [24, 19], 'timingBelt'),
  car('VW-SAG', 'Volkswagen', 'Sagitar', 2019, 2024, '1.4T EA211', 1, 'sedan', [288, 272], [24, 19], 'timingBelt'),
  car('VW-TIG', 'Volkswagen', 'Tiguan L', 2017, 2024, '2.0T EA888', 2, 'suv', [340, 300], [26, 18], 'cartridge'),
  car('NIS-SYL', 'Nissan', 'Sylphy', 2019, 2024, '1.6L HR16DE', 1, 'sedan', [280, 258], [26, 14]),
  car('NIS-XTR', 'Nissan', 'X-Trail', 2014, 2021, '2.0L MR20DD', 2, 'suv', [296, 292], [26, 16]),
  car('BUI-EXC', 'Buick', 'Excelle GT', 2015, 2022, '1.3T', 1, 'sedan', [276, 268], [26, 16], 'fuelFilter'),
  car('BUI-LAC', 'Buick', 'LaCrosse', 2016, 2023, '2.0T LTG', 2, 'sedan', [321, 315], [26, 18]),
  car('BYD-QIN', 'BYD', 'Qin PLUS DM-i', 2021, 2024, '1.5L DM-i', 1, 'sedan', [296, 262], [24, 16], 'hybrid'),
  car('BYD-SONG', 'BYD', 'Song PLUS DM-i', 2021, 2024, '1.5L DM-i', 2, 'suv', [305, 290], [26, 16], 'hybrid'),
  car('BYD-HAN', 'BYD', 'Han DM-i', 2022, 2024, '1.5T DM-i', 2, 'sedan', [320, 310], [26, 16], 'hybrid'),
  car('GEE-EMG', 'Geely', 'Emgrand', 2016, 2021, '1.5L', 1, 'sedan', [288, 262], [24, 16], 'fuelFilter'),
  car('GEE-BOY', 'Geely', 'Boyue', 2016, 2022, '1.8T', 1, 'suv', [300, 292], [26, 16], 'fuelFilter'),
  car('AUD-A4L', 'Audi', 'A4L', 2017, 2024, '2.0T EA888', 3, 'sedan', [320, 300], [24, 21], 'cartridge'),
  car('AUD-A6L', 'Audi', 'A6L', 2019, 2024, '2.0T EA888', 3, 'sedan', [338, 330], [26, 21], 'cartridge'),
  car('BMW-3S', 'BMW', '3 Series', 2019, 2024, '2.0T B48', 3, 'sedan', [330, 300], [24, 19], 'cartridge'),
  car('MB-CCL', 'Mercedes-Benz', 'C-Class', 2015, 2021, '2.0T M274', 3, 'sedan', [295, 300], [24, 22], 'cartridge'),
  car('HYU-ELA', 'Hyundai', 'Elantra', 2016, 2020, '1.6L G4FG', 1, 'sedan', [280, 262], [26, 14], 'fuelFilter'),
  car('KIA-K3', 'Kia', 'K3', 2019, 2023, '1.5L', 1, 'sedan', [280, 262], [26, 16], 'fuelFilter'),
  car('CHA-CS75', 'Changan', 'CS75 PLUS', 2019, 2024, '1.5T', 1, 'suv', [305, 292], [26, 16], 'fuelFilter'),
  car('HAV-H6', 'Haval', 'H6', 2017, 2021, '1.5T GW4B15', 1, 'suv', [302, 305], [26, 16], 'fuelFilter'),
];

const carName = (v: Vehicle) => `${v.make} ${v.model}`;
const years = (v: Vehicle) => `${v.from}-${v.to}`;
const turbo = (v: Vehicle) => /^\d\.\dT/.test(v.engine);

// ---------------------------------------------------------------------------
// Vehicle-specific part families
// ---------------------------------------------------------------------------

type Family = {
  prefix: string;
  categoryKey: string;
  /** Brands rotate across vehicles so each family carries a mix. */
  brands: string[];
  /** Percentage of vehicles for which the shop stocks this family (picked by hash); 100 = all. */
  stocked: number;
  fits?: (v: Vehicle) => boolean;
  name: (v: Vehicle) => string;
  descriptions: ((v: Vehicle) => string)[];
  /** `code` is the family prefix plus the vehicle code, e.g. BP-TOY-COR. */
  skus: (v: Vehicle, code: string, price: (base: number, salt: number) => string) => DemoSku[];
};

const families: Family[] = [
  {
    prefix: 'BP',
    categoryKey: 'brake-pads',
    brands: ['brembo', 'bosch', 'trw', 'ate'],
    stocked: 100,
    name: (v) => `Front brake pad set for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Front axle set of four pads for the ${years(v)} ${carName(v)}, with shims and chamfers for quiet stops. OE-equivalent friction tested to ECE R90.`,
      (v) =>
        `Copper-free pads with a pre-burnished surface for short bedding-in, direct fit for the ${carName(v)} (${years(v)}). Two-year or 40,000 km warranty.`,
      () =>
        'Low-dust formulation that keeps alloy wheels clean and holds its friction level when hot. Sold per axle with fitting hardware.',
    ],
    skus: (v, code, price) => [
      {
        code: `${code}-F`,
        name: 'Front, low-metallic',
        priceCny: price(280, 1),
        attributes: attrs([
          ['Position', 'Front axle'],
          ['Material', 'Low-metallic'],
          ['Wear indicator', v.tier === 3 ? 'Electronic sensor' : 'Acoustic'],
        ]),
      },
      {
        code: `${code}-F-CER`,
        name: 'Front, ceramic',
        priceCny: price(360, 2),
        attributes: attrs([
          ['Position', 'Front axle'],
          ['Material', 'Ceramic'],
          ['Wear indicator', v.tier === 3 ? 'Electronic sensor' : 'Acoustic'],
        ]),
      },
    ],
  },
  {
    prefix: 'BP',
    categoryKey: 'brake-pads',
    brands: ['bosch', 'trw', 'ate', 'brembo'],
    stocked: 85,
    name: (v) => `Rear brake pad set for ${carName(v)}`,
    descriptions: [
      (v) => `Rear axle set for the ${years(v)} ${carName(v)}, matched to the front pads for balanced braking. OE-equivalent quality.`,
      () => 'Rear pads with a stable friction coefficient for parking-brake and ESP interventions. Two-year warranty.',
    ],
    skus: (_v, code, price) => [
      {
        code: `${code}-R`,
        name: 'Rear, low-metallic',
        priceCny: price(220, 3),
        attributes: attrs([
          ['Position', 'Rear axle'],
          ['Material', 'Low-metallic'],
          ['Fitting hardware', 'Included'],
        ]),
      },
      {
        code: `${code}-R-CER`,
        name: 'Rear, ceramic',
        priceCny: price(290, 4),
        attributes: attrs([
          ['Position', 'Rear axle'],
          ['Material', 'Ceramic'],
          ['Fitting hardware', 'Included'],
        ]),
      },
    ],
  },
  {
    prefix: 'BD',
    categoryKey: 'brake-discs',
    brands: ['brembo', 'ate', 'trw', 'bosch'],
    stocked: 100,
    name: (v) => `Brake disc for ${carName(v)}`,
    descriptions: [
      (v) =>
        `High-carbon cast-iron disc for the ${carName(v)} (${years(v)}), balanced and UV-coated against corrosion. Sold individually; replace in axle pairs.`,
      () =>
        'OE-equivalent disc machined to tight run-out tolerances to prevent judder. Coated hat and vanes stay rust-free behind open wheels.',
      (v) => `Direct replacement discs for the ${years(v)} ${carName(v)}, vented or solid exactly as the original. Two-year warranty.`,
    ],
    skus: (v, code, price) => [
      {
        code: `${code}-F`,
        name: `Front, ${v.disc[0]} mm vented`,
        priceCny: price(340 + v.disc[0] - 280, 5),
        attributes: attrs([
          ['Position', 'Front axle'],
          ['Diameter', `${v.disc[0]} mm`],
          ['Type', 'Vented'],
        ]),
      },
      {
        code: `${code}-R`,
        name: `Rear, ${v.disc[1]} mm ${v.disc[1] >= 300 ? 'vented' : 'solid'}`,
        priceCny: price(290 + v.disc[1] - 270, 6),
        attributes: attrs([
          ['Position', 'Rear axle'],
          ['Diameter', `${v.disc[1]} mm`],
          ['Type', v.disc[1] >= 300 ? 'Vented' : 'Solid'],
        ]),
      },
    ],
  },
  {
    prefix: 'OF',
    categoryKey: 'oil-filters',
    brands: ['mann', 'mahle', 'bosch'],
    stocked: 100,
    name: (v) => `Oil filter for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Oil filter for the ${v.engine} engine in the ${carName(v)}, with a synthetic-blend medium for extended drain intervals. OE-equivalent.`,
      () =>
        'Multi-layer cellulose and glass-fibre medium that holds dirt without restricting flow on cold starts. Change at every oil service.',
      (v) =>
        `Fits the ${years(v)} ${carName(v)}; the anti-drain-back valve keeps oil in the filter so bearings are lubricated from the first second.`,
    ],
    skus: (v, code, price) => [
      {
        code,
        name: v.cartridge ? 'Cartridge element with O-ring' : 'Spin-on filter',
        priceCny: price(v.cartridge ? 58 : 45, 7),
        attributes: attrs([
          ['Type', v.cartridge ? 'Cartridge' : 'Spin-on'],
          ['Engine', v.engine],
        ]),
      },
    ],
  },
  {
    prefix: 'AF',
    categoryKey: 'air-filters',
    brands: ['mann', 'bosch', 'mahle'],
    stocked: 100,
    name: (v) => `Engine air filter for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Panel air filter for the ${v.engine} engine, sized for the airbox of the ${years(v)} ${carName(v)}. Recommended every 20,000 km, sooner in dusty cities.`,
      () => 'Pleated high-capacity paper medium with a moulded polyurethane seal, 99.5% efficient on fine dust. OE-equivalent.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'Panel filter',
        priceCny: price(70, 8),
        attributes: attrs([
          ['Shape', 'Panel'],
          ['Engine', v.engine],
        ]),
      },
    ],
  },
  {
    prefix: 'CF',
    categoryKey: 'cabin-filters',
    brands: ['mann', 'bosch', 'mahle', 'valeo'],
    stocked: 100,
    name: (v) => `Cabin air filter for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Cabin filter for the ${carName(v)} (${years(v)}), available as a particle filter or with activated carbon against odours and exhaust gases.`,
      () =>
        'Traps PM2.5, pollen and road dust before it reaches the air-conditioning; the carbon version also absorbs NO2 and ozone. Change yearly.',
      (v) => `Direct fit for the ${years(v)} ${carName(v)} behind the glovebox; no tools needed on most trims.`,
    ],
    skus: (_v, code, price) => [
      {
        code,
        name: 'Particle filter',
        priceCny: price(78, 9),
        attributes: attrs([
          ['Media', 'Particle'],
          ['PM2.5 efficiency', '95%'],
        ]),
      },
      {
        code: `${code}-AC`,
        name: 'Activated carbon',
        priceCny: price(118, 10),
        attributes: attrs([
          ['Media', 'Activated carbon'],
          ['PM2.5 efficiency', '99%'],
        ]),
      },
    ],
  },
  {
    prefix: 'FF',
    categoryKey: 'fuel-filters',
    brands: ['mann', 'bosch', 'mahle'],
    stocked: 100,
    fits: (v) => v.fuelFilter === true,
    name: (v) => `Fuel filter for ${carName(v)}`,
    descriptions: [
      (v) =>
        `In-line petrol filter for the ${v.engine} engine of the ${carName(v)}, protecting the injectors from rust and debris. Replace every 40,000 km.`,
      () => 'Steel-housed in-line filter with quick-connect ends, 10-micron filtration rating. OE-equivalent.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'In-line filter',
        priceCny: price(88, 11),
        attributes: attrs([
          ['Type', 'In-line'],
          ['Fuel', 'Petrol'],
          ['Engine', v.engine],
        ]),
      },
    ],
  },
  {
    prefix: 'SP',
    categoryKey: 'spark-plugs',
    brands: ['ngk', 'denso', 'bosch'],
    stocked: 100,
    name: (v) => `Spark plug for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Spark plug for the ${v.engine} engine of the ${years(v)} ${carName(v)}; four per engine. The iridium version lasts up to 100,000 km.`,
      () => 'Fine-wire centre electrode for a reliable spark and clean cold starts. Pre-gapped; check torque when fitting.',
      (v) =>
        `OE-equivalent plug for the ${carName(v)}, sold individually. Choose iridium for long service intervals or platinum for value.`,
    ],
    skus: (v, code, price) => {
      const heat = turbo(v) ? '7' : '6';
      const gap = turbo(v) ? '0.7 mm' : '1.0 mm';
      return [
        {
          code: `${code}-IR`,
          name: 'Iridium',
          priceCny: price(88, 12),
          attributes: attrs([
            ['Electrode', 'Iridium'],
            ['Heat range', heat],
            ['Gap', gap],
            ['Quantity per vehicle', '4'],
          ]),
        },
        {
          code: `${code}-PT`,
          name: 'Double platinum',
          priceCny: price(58, 13),
          attributes: attrs([
            ['Electrode', 'Double platinum'],
            ['Heat range', heat],
            ['Gap', gap],
            ['Quantity per vehicle', '4'],
          ]),
        },
      ];
    },
  },
  {
    prefix: 'IC',
    categoryKey: 'ignition-coils',
    brands: ['bosch', 'denso', 'valeo'],
    stocked: 50,
    name: (v) => `Ignition coil for ${carName(v)}`,
    descriptions: [
      (v) => `Pencil-type coil-on-plug unit for the ${v.engine} engine of the ${carName(v)}. Replace a misfiring coil individually.`,
      () => 'Epoxy-potted windings resist heat and vibration; the connector and boot match the original. Two-year warranty.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'Single coil',
        priceCny: price(320, 14),
        attributes: attrs([
          ['Type', 'Pencil coil'],
          ['Engine', v.engine],
          ['Quantity per vehicle', '4'],
        ]),
      },
    ],
  },
  {
    prefix: 'SA',
    categoryKey: 'shock-absorbers',
    brands: ['kyb', 'monroe', 'sachs'],
    stocked: 100,
    name: (v) => `Shock absorber for ${carName(v)}`,
    descriptions: [
      (v) => `Twin-tube gas-charged damper restoring the original ride of the ${years(v)} ${carName(v)}. Replace in axle pairs.`,
      () => 'OE-equivalent valving with a chrome-plated piston rod and multi-lip seal. Three-year warranty.',
      (v) => `Direct-fit damper for the ${carName(v)}; front struts are handed left and right, rear units fit either side.`,
    ],
    skus: (_v, code, price) => [
      {
        code: `${code}-FL`,
        name: 'Front left strut',
        priceCny: price(520, 15),
        attributes: attrs([
          ['Position', 'Front left'],
          ['Type', 'Twin-tube gas'],
          ['Design', 'MacPherson strut'],
        ]),
      },
      {
        code: `${code}-FR`,
        name: 'Front right strut',
        priceCny: price(520, 15),
        attributes: attrs([
          ['Position', 'Front right'],
          ['Type', 'Twin-tube gas'],
          ['Design', 'MacPherson strut'],
        ]),
      },
      {
        code: `${code}-R`,
        name: 'Rear',
        priceCny: price(390, 16),
        attributes: attrs([
          ['Position', 'Rear left/right'],
          ['Type', 'Twin-tube gas'],
          ['Design', 'Telescopic'],
        ]),
      },
    ],
  },
  {
    prefix: 'CS',
    categoryKey: 'coil-springs',
    brands: ['sachs', 'kyb'],
    stocked: 30,
    name: (v) => `Coil spring for ${carName(v)}`,
    descriptions: [
      (v) => `Standard-height coil spring for the ${carName(v)} (${years(v)}), shot-peened and powder-coated. Replace in pairs.`,
      () => 'Chrome-silicon spring steel with OE rate and free length, for the original ride height and handling.',
    ],
    skus: (_v, code, price) => [
      {
        code: `${code}-F`,
        name: 'Front',
        priceCny: price(280, 17),
        attributes: attrs([
          ['Position', 'Front'],
          ['Ride height', 'Standard'],
        ]),
      },
      {
        code: `${code}-R`,
        name: 'Rear',
        priceCny: price(240, 18),
        attributes: attrs([
          ['Position', 'Rear'],
          ['Ride height', 'Standard'],
        ]),
      },
    ],
  },
  {
    prefix: 'WH',
    categoryKey: 'wheel-bearings',
    brands: ['wanxiang', 'skf', 'wanxiang', 'fag'],
    stocked: 50,
    name: (v) => `Wheel hub bearing for ${carName(v)}`,
    descriptions: [
      (v) => `Pre-assembled hub unit for the ${years(v)} ${carName(v)} with integrated ABS encoder. Bolt-on; no pressing required.`,
      () => 'Double-row angular-contact bearing, sealed and greased for life. OE-equivalent, with new hub nut included.',
    ],
    skus: (_v, code, price) => [
      {
        code: `${code}-F`,
        name: 'Front hub unit',
        priceCny: price(420, 19),
        attributes: attrs([
          ['Position', 'Front'],
          ['ABS encoder', 'Integrated'],
        ]),
      },
      {
        code: `${code}-R`,
        name: 'Rear hub unit',
        priceCny: price(380, 20),
        attributes: attrs([
          ['Position', 'Rear'],
          ['ABS encoder', 'Integrated'],
        ]),
      },
    ],
  },
  {
    prefix: 'TB',
    categoryKey: 'timing-belts',
    brands: ['gates', 'continental'],
    stocked: 100,
    fits: (v) => v.timingBelt === true,
    name: (v) => `Timing belt kit for ${carName(v)}`,
    descriptions: [
      (v) => `Complete kit for the belt-driven ${v.engine} engine: belt, tensioner and idler. Fits the ${years(v)} ${carName(v)}.`,
      () =>
        'HNBR belt with glass-fibre cords and OE-spec pulleys. Replace at the interval in the service book; the belt alone suits a tensioner still in good order.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'Belt, tensioner and idler',
        priceCny: price(620, 21),
        attributes: attrs([
          ['Contents', 'Belt, tensioner, idler'],
          ['Engine', v.engine],
        ]),
      },
      {
        code: `${code}-BELT`,
        name: 'Timing belt only',
        priceCny: price(240, 22),
        attributes: attrs([
          ['Contents', 'Belt'],
          ['Engine', v.engine],
        ]),
      },
    ],
  },
  {
    prefix: 'DB',
    categoryKey: 'drive-belts',
    brands: ['gates', 'continental'],
    stocked: 50,
    fits: (v) => v.hybrid !== true,
    name: (v) => `Ribbed drive belt for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Poly-V accessory belt driving the alternator and A/C compressor on the ${v.engine} engine. Fits the ${years(v)} ${carName(v)}.`,
      () => 'EPDM rubber compound that resists cracking and stays quiet in humid weather. Check tension when fitting.',
    ],
    skus: (v, code, price) => {
      const ribs = v.tier === 1 ? 5 : 6;
      const length = 1100 + (mix(v.from * 31 + v.disc[0]) % 14) * 50;
      return [
        {
          code,
          name: `${ribs}PK${length}`,
          priceCny: price(130, 23),
          attributes: attrs([
            ['Profile', `${ribs}PK${length}`],
            ['Ribs', String(ribs)],
            ['Length', `${length} mm`],
          ]),
        },
      ];
    },
  },
  {
    prefix: 'WP',
    categoryKey: 'water-pumps',
    brands: ['gates', 'valeo', 'mahle'],
    stocked: 35,
    name: (v) => `Water pump for ${carName(v)}`,
    descriptions: [
      (v) => `Coolant pump for the ${v.engine} engine with gasket included. Fits the ${years(v)} ${carName(v)}.`,
      () => 'Cast impeller and a sealed double-row bearing for long life; pressure-tested before packing. Two-year warranty.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'Pump with gasket',
        priceCny: price(460, 24),
        attributes: attrs([
          ['Drive', v.hybrid ? 'Electric' : 'Mechanical'],
          ['Engine', v.engine],
          ['Gasket included', 'Yes'],
        ]),
      },
    ],
  },
  {
    prefix: 'AL',
    categoryKey: 'alternators',
    brands: ['bosch', 'valeo', 'denso'],
    stocked: 40,
    fits: (v) => v.hybrid !== true,
    name: (v) => `Alternator for ${carName(v)}`,
    descriptions: [
      (v) =>
        `14 V alternator for the ${v.engine} engine of the ${carName(v)}, with pulley and regulator fitted. Also available remanufactured on exchange.`,
      () => 'Bench-tested at full load before shipping. New units carry a two-year warranty, remanufactured units one year.',
    ],
    skus: (v, code, price) => {
      const amps = v.tier === 1 ? '120 A' : v.tier === 2 ? '150 A' : '180 A';
      return [
        {
          code,
          name: 'New',
          priceCny: price(1550, 25),
          attributes: attrs([
            ['Output', amps],
            ['Voltage', '14 V'],
            ['Condition', 'New'],
          ]),
        },
        {
          code: `${code}-RM`,
          name: 'Remanufactured, exchange',
          priceCny: price(980, 26),
          attributes: attrs([
            ['Output', amps],
            ['Voltage', '14 V'],
            ['Condition', 'Remanufactured'],
          ]),
        },
      ];
    },
  },
  {
    prefix: 'WB',
    categoryKey: 'wiper-blades',
    brands: ['bosch', 'valeo'],
    stocked: 100,
    name: (v) => `Wiper blades for ${carName(v)}`,
    descriptions: [
      (v) => `Frameless flat blades sized for the ${carName(v)} (${years(v)}), with the original arm adapter. Replace every 6-12 months.`,
      () => 'Spring-steel spoiler presses the rubber evenly at speed; graphite-coated rubber wipes quietly without streaks.',
    ],
    skus: (v, code, price) => {
      const blade = (inches: number, label: string, suffix: string, salt: number): DemoSku => ({
        code: `${code}-${suffix}`,
        name: `${label}, ${inches}"`,
        priceCny: price(40 + inches * 3, salt),
        attributes: attrs([
          ['Position', label],
          ['Length', `${inches * 25} mm (${inches} in)`],
          ['Type', suffix === 'RR' ? 'Rear blade' : 'Flat blade'],
        ]),
      });
      const blades = [blade(v.wipers[0], 'Driver side', 'D', 27), blade(v.wipers[1], 'Passenger side', 'P', 28)];
      if (v.body !== 'sedan') blades.push(blade(v.body === 'suv' ? 12 : 11, 'Rear', 'RR', 29));
      return blades;
    },
  },
  {
    prefix: 'WS',
    categoryKey: 'windscreens',
    brands: ['fuyao'],
    stocked: 35,
    name: (v) => `Front windscreen for ${carName(v)}`,
    descriptions: [
      (v) =>
        `Laminated front windscreen made to OE specification for the ${years(v)} ${carName(v)}. Fitting by a glass specialist recommended.`,
      () =>
        'Acoustic laminated glass with UV-cut interlayer; the sensor version has the rain/light sensor bracket and camera window bonded on.',
    ],
    skus: (v, code, price) => [
      {
        code,
        name: 'Standard',
        priceCny: price(1280, 30),
        attributes: attrs([
          ['Glass', 'Laminated'],
          ['Sensor bracket', 'No'],
          ['Tint', 'Green'],
        ]),
      },
      {
        code: `${code}-RS`,
        name: v.tier === 3 ? 'With sensor bracket and HUD area' : 'With sensor bracket',
        priceCny: price(v.tier === 3 ? 1980 : 1580, 31),
        attributes: attrs([
          ['Glass', 'Laminated acoustic'],
          ['Sensor bracket', 'Yes'],
          ['Tint', 'Green'],
        ]),
      },
    ],
  },
];

function vehicleProducts(): DemoProduct[] {
  const products: DemoProduct[] = [];
  families.forEach((family, f) => {
    vehicles.forEach((v, i) => {
      if (family.fits && !family.fits(v)) return;
      if (family.stocked < 100 && mix(f * 1009 + i) % 100 >= family.stocked) return;
      const brandKey = at(family.brands, i + f);
      const seed = f * 10_000 + i * 100;
      products.push({
        name: family.name(v),
        description: at(family.descriptions, mix(seed))(v),
        brandKey,
        categoryKey: family.categoryKey,
        supplierKey: supplierOf[brandKey] ?? 'donghai',
        taxClass: 'STANDARD',
        skus: family.skus(v, `${family.prefix}-${v.code}`, (base, salt) => cny(base, v.tier, brandKey, seed + salt)),
        fitments: [{ make: v.make, model: v.model, yearFrom: v.from, yearTo: v.to }],
      });
    });
  });
  return products;
}

// ---------------------------------------------------------------------------
// Universal products (no fitments: chosen by specification or size)
// ---------------------------------------------------------------------------

type Line = { brandKey: string; categoryKey: string; name: string; description: string; skus: DemoSku[] };

function universal(line: Line): DemoProduct {
  return {
    name: line.name,
    description: line.description,
    brandKey: line.brandKey,
    categoryKey: line.categoryKey,
    supplierKey: supplierOf[line.brandKey] ?? 'donghai',
    taxClass: 'STANDARD',
    skus: line.skus,
    fitments: [],
  };
}

/** brand, code, line, base oil, viscosity, approvals, price 1 L, price 4 L */
const engineOils: [string, string, string, string, string, string, number, number][] = [
  ['castrol', 'CAS-EDGE', 'EDGE', 'Full synthetic', '0W-20', 'API SP, ILSAC GF-6A', 118, 398],
  ['castrol', 'CAS-EDGE', 'EDGE', 'Full synthetic', '5W-30', 'API SP, ACEA C3', 112, 388],
  ['castrol', 'CAS-EDGE', 'EDGE', 'Full synthetic', '5W-40', 'API SN, ACEA A3/B4', 108, 378],
  ['castrol', 'CAS-MAG', 'Magnatec', 'Synthetic', '5W-30', 'API SP', 82, 268],
  ['castrol', 'CAS-MAG', 'Magnatec', 'Semi-synthetic', '10W-40', 'API SN', 65, 218],
  ['mobil', 'MOB-M1', 'Mobil 1', 'Full synthetic', '0W-20', 'API SP, ILSAC GF-6A', 128, 438],
  ['mobil', 'MOB-M1', 'Mobil 1', 'Full synthetic', '0W-40', 'API SP, ACEA A3/B4', 132, 448],
  ['mobil', 'MOB-M1', 'Mobil 1', 'Full synthetic', '5W-30', 'API SP, ACEA C3', 125, 428],
  ['mobil', 'MOB-S3K', 'Super 3000', 'Full synthetic', '5W-40', 'API SP', 88, 298],
  ['shell', 'SHE-HU', 'Helix Ultra', 'Full synthetic', '0W-20', 'API SP, ILSAC GF-6A', 108, 368],
  ['shell', 'SHE-HU', 'Helix Ultra', 'Full synthetic', '5W-40', 'API SP, ACEA A3/B4', 105, 358],
  ['shell', 'SHE-HX8', 'Helix HX8', 'Full synthetic', '5W-30', 'API SP', 82, 278],
  ['shell', 'SHE-HX7', 'Helix HX7', 'Semi-synthetic', '10W-40', 'API SN', 65, 208],
];

const oilNotes = [
  'Low-viscosity grade for modern Japanese and Chinese petrol engines, including hybrids; protects turbochargers against deposits.',
  'Check the viscosity and approval in your service book. The 4 L bottle covers a typical service; the 1 L bottle is for top-ups.',
  'Reduces wear during stop-and-go city driving and resists thermal breakdown in hot summers.',
];

/** brand, code, line, standard, dry/wet boiling point °C, price 0.5 L, price 1 L */
const brakeFluids: [string, string, string, string, number, number, number, number][] = [
  ['bosch', 'BOS-DOT4', 'DOT 4 brake fluid', 'DOT 4', 265, 170, 42, 72],
  ['bosch', 'BOS-DOT51', 'DOT 5.1 brake fluid', 'DOT 5.1', 270, 185, 58, 98],
  ['ate', 'ATE-SL6', 'SL.6 low-viscosity brake fluid', 'DOT 4 Class 6', 265, 175, 62, 108],
  ['ate', 'ATE-TYP200', 'TYP 200 high-boiling brake fluid', 'DOT 4', 280, 198, 88, 158],
  ['castrol', 'CAS-REACT', 'React Performance brake fluid', 'DOT 4', 260, 165, 48, 82],
  ['trw', 'TRW-DOT4', 'DOT 4 brake fluid', 'DOT 4', 260, 165, 38, 66],
];

/** brand, code, line, technology, [group size, Ah, CCA, price][] */
const batteries: [string, string, string, string, [string, number, number, number][]][] = [
  [
    'varta',
    'VAR-BD',
    'Blue Dynamic maintenance-free battery',
    'Flooded lead-acid',
    [
      ['55B24L', 45, 430, 528],
      ['L2-400', 60, 540, 628],
      ['L3-400', 70, 640, 728],
    ],
  ],
  [
    'varta',
    'VAR-AGM',
    'Silver Dynamic AGM start-stop battery',
    'AGM',
    [
      ['H6', 70, 760, 1288],
      ['H7', 80, 800, 1488],
    ],
  ],
  [
    'bosch',
    'BOS-EFB',
    'S4 EFB start-stop battery',
    'EFB',
    [
      ['L2-400', 60, 640, 868],
      ['L3-400', 70, 760, 968],
    ],
  ],
  [
    'camel',
    'CAM-MF',
    'Maintenance-free car battery',
    'Flooded lead-acid',
    [
      ['6-QW-45', 45, 400, 498],
      ['6-QW-60', 60, 520, 578],
      ['6-QW-70', 70, 600, 658],
      ['6-QW-80', 80, 680, 758],
    ],
  ],
];

const batteryNotes: Record<string, string> = {
  'Flooded lead-acid':
    'Sealed, maintenance-free calcium battery with a built-in charge indicator. Choose the group size printed on your current battery; two-year warranty.',
  AGM: 'Absorbent glass mat battery for vehicles with start-stop and brake energy recovery; handles deep cycling and high loads. Three-year warranty.',
  EFB: 'Enhanced flooded battery for entry-level start-stop systems, with twice the cycle life of a standard battery. Two-year warranty.',
};

/** brand, code, line, category, pack size, notes, [bulb type, watts, price][] */
const bulbs: [string, string, string, string, number, string, [string, string, number][]][] = [
  [
    'philips',
    'PHI-XV',
    'X-tremeVision Pro150 halogen headlight bulbs',
    'headlight-bulbs',
    2,
    'Up to 150% more light on the road than a standard halogen bulb, at 3,400 K. Road-legal, sold in pairs.',
    [
      ['H1', '55 W', 168],
      ['H4', '60/55 W', 188],
      ['H7', '55 W', 188],
      ['H11', '55 W', 198],
    ],
  ],
  [
    'philips',
    'PHI-LED',
    'Ultinon Pro6000 LED headlight bulbs',
    'headlight-bulbs',
    2,
    'Plug-in LED replacement with 5,800 K white light and active cooling. Check local approval for your vehicle before fitting.',
    [
      ['H7', '20 W', 598],
      ['H11', '20 W', 598],
    ],
  ],
  [
    'philips',
    'PHI-XEN',
    'Xenon Vision HID bulb',
    'headlight-bulbs',
    1,
    'OE-quality 4,600 K xenon burner for factory HID headlamps. Replace in pairs for matching colour.',
    [
      ['D1S', '35 W', 498],
      ['D3S', '35 W', 528],
    ],
  ],
  [
    'osram',
    'OSR-NBL',
    'Night Breaker Laser halogen headlight bulbs',
    'headlight-bulbs',
    2,
    'Laser-ablated glass and an optimised filament give up to 150% more brightness. Sold in pairs.',
    [
      ['H1', '55 W', 158],
      ['H4', '60/55 W', 178],
      ['H7', '55 W', 178],
      ['H11', '55 W', 188],
    ],
  ],
  [
    'osram',
    'OSR-CBI',
    'Cool Blue Intense halogen headlight bulbs',
    'headlight-bulbs',
    2,
    'Xenon-look 4,200 K halogen bulbs with a cooler, whiter beam. Road-legal, sold in pairs.',
    [
      ['H4', '60/55 W', 138],
      ['H7', '55 W', 138],
      ['HB3', '60 W', 148],
      ['HB4', '51 W', 148],
    ],
  ],
  [
    'osram',
    'OSR-ORG',
    'Original Line signal bulbs',
    'signal-bulbs',
    10,
    'OE-quality incandescent bulbs for indicators, brake, tail and interior lights. Box of ten.',
    [
      ['P21W', '21 W', 45],
      ['PY21W', '21 W', 52],
      ['P21/5W', '21/5 W', 55],
      ['W5W', '5 W', 28],
    ],
  ],
  [
    'philips',
    'PHI-VIS',
    'Vision signal bulbs',
    'signal-bulbs',
    2,
    'Long-life incandescent bulbs in OE colours for indicators, stop and tail lights. Sold in pairs.',
    [
      ['P21W', '21 W', 18],
      ['PY21W', '21 W', 22],
      ['W5W', '5 W', 12],
    ],
  ],
  [
    'hella',
    'HEL-STD',
    'Standard halogen headlight bulb',
    'headlight-bulbs',
    1,
    'E-marked standard halogen bulb with OE lifetime, sold individually. A cost-effective replacement for everyday driving.',
    [
      ['H4', '60/55 W', 28],
      ['H7', '55 W', 32],
      ['H11', '55 W', 38],
    ],
  ],
];

/** brand, code, pattern, category, season, notes, [size, load/speed index, price][] */
const tyres: [string, string, string, string, string, string, [string, string, number][]][] = [
  [
    'michelin',
    'MIC-P4',
    'Primacy 4 touring tyre',
    'car-tyres',
    'Summer',
    'Quiet, comfortable touring tyre that keeps its wet braking performance as it wears. Ten-year date-code guarantee on new stock.',
    [
      ['205/55R16', '91V', 728],
      ['215/55R17', '94V', 868],
      ['225/45R18', '95W', 998],
      ['235/45R18', '98W', 1088],
    ],
  ],
  [
    'michelin',
    'MIC-PS4',
    'Pilot Sport 4 performance tyre',
    'car-tyres',
    'Summer',
    'Ultra-high-performance tyre with precise steering and short dry and wet braking distances.',
    [
      ['225/40R18', '92Y', 1128],
      ['225/45R18', '95Y', 1198],
      ['245/40R19', '98Y', 1468],
    ],
  ],
  [
    'michelin',
    'MIC-PSUV',
    'Primacy SUV+ tyre',
    'suv-tyres',
    'All-season',
    'Comfort tyre for SUVs with a long-wearing tread compound and low road noise.',
    [
      ['225/65R17', '106H', 928],
      ['225/60R18', '104V', 1058],
      ['235/55R19', '105W', 1298],
    ],
  ],
  [
    'bridgestone',
    'BRI-T005',
    'Turanza T005 touring tyre',
    'car-tyres',
    'Summer',
    'Touring tyre with strong wet grip and even wear for family sedans.',
    [
      ['205/55R16', '91V', 628],
      ['215/55R17', '94V', 768],
      ['225/45R18', '95Y', 898],
    ],
  ],
  [
    'bridgestone',
    'BRI-EP300',
    'Ecopia EP300 low-rolling-resistance tyre',
    'car-tyres',
    'All-season',
    'Fuel-saving compound with low rolling resistance, a good match for hybrids and compact cars.',
    [
      ['195/65R15', '91V', 438],
      ['205/55R16', '91V', 498],
    ],
  ],
  [
    'bridgestone',
    'BRI-ALZ',
    'Alenza 001 SUV tyre',
    'suv-tyres',
    'Summer',
    'Premium SUV tyre with a stiff shoulder for stable cornering and a quiet ride on the motorway.',
    [
      ['225/60R18', '100H', 988],
      ['235/55R19', '101V', 1228],
    ],
  ],
  [
    'continental',
    'CON-UC7',
    'UltraContact UC7 comfort tyre',
    'car-tyres',
    'All-season',
    'Comfort tyre developed for Chinese roads, with high mileage and low noise.',
    [
      ['195/65R15', '91V', 468],
      ['205/55R16', '91W', 588],
      ['215/55R17', '94W', 718],
    ],
  ],
  [
    'continental',
    'CON-PC7',
    'PremiumContact 7 tyre',
    'car-tyres',
    'Summer',
    'Premium summer tyre balancing grip, comfort and mileage for mid-size and executive cars.',
    [
      ['225/45R18', '95Y', 1058],
      ['245/45R18', '100Y', 1168],
    ],
  ],
  [
    'continental',
    'CON-CCRX',
    'CrossContact RX SUV tyre',
    'suv-tyres',
    'All-season',
    'All-terrain-capable SUV tyre that stays quiet and comfortable on tarmac.',
    [
      ['225/65R17', '102H', 898],
      ['235/55R19', '105V', 1198],
    ],
  ],
  [
    'linglong',
    'LL-CM1',
    'Comfort Master touring tyre',
    'car-tyres',
    'All-season',
    'Value touring tyre with an asymmetric tread for stable handling in rain. Three-year warranty.',
    [
      ['195/65R15', '91V', 398],
      ['205/55R16', '91V', 428],
      ['215/55R17', '94V', 498],
    ],
  ],
];

const slug = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]+/g, '-');

function universalProducts(): DemoProduct[] {
  const products: DemoProduct[] = [];

  engineOils.forEach(([brandKey, code, line, base, viscosity, approvals, price1, price4], i) => {
    const volume = (litres: number, price: number): DemoSku => ({
      code: `EO-${code}-${viscosity.replace('-', '')}-${litres}L`,
      name: `${litres} L`,
      priceCny: retail(price),
      attributes: attrs([
        ['Viscosity', viscosity],
        ['Volume', `${litres} L`],
        ['Specification', approvals],
        ['Base oil', base],
      ]),
    });
    products.push(
      universal({
        brandKey,
        categoryKey: 'engine-oil',
        name: `${line} ${base.toLowerCase()} engine oil ${viscosity}`,
        description: `${base} ${viscosity} engine oil meeting ${approvals}. ${at(oilNotes, mix(i))}`,
        skus: [volume(1, price1), volume(4, price4)],
      }),
    );
  });

  for (const [brandKey, code, line, standard, dry, wet, priceHalf, priceLitre] of brakeFluids) {
    const volume = (label: string, suffix: string, price: number): DemoSku => ({
      code: `BF-${code}-${suffix}`,
      name: label,
      priceCny: retail(price),
      attributes: attrs([
        ['Standard', standard],
        ['Volume', label],
        ['Dry boiling point', `${dry} °C`],
        ['Wet boiling point', `${wet} °C`],
      ]),
    });
    products.push(
      universal({
        brandKey,
        categoryKey: 'brake-fluid',
        name: line,
        description: `Glycol-based ${standard} fluid with a ${dry} °C dry boiling point. Replace every two years; do not mix with DOT 5 silicone fluid.`,
        skus: [volume('0.5 L', '05L', priceHalf), volume('1 L', '1L', priceLitre)],
      }),
    );
  }

  for (const [brandKey, code, line, technology, sizes] of batteries) {
    products.push(
      universal({
        brandKey,
        categoryKey: 'batteries',
        name: `${line} 12 V`,
        description: batteryNotes[technology] ?? '',
        skus: sizes.map(([group, ah, cca, price]) => ({
          code: `BAT-${code}-${slug(group).replace(/-/g, '')}`,
          name: `${group}, ${ah} Ah`,
          priceCny: retail(price),
          attributes: attrs([
            ['Group size', group],
            ['Voltage', '12 V'],
            ['Capacity', `${ah} Ah`],
            ['CCA', `${cca} A`],
          ]),
        })),
      }),
    );
  }

  for (const [brandKey, code, line, categoryKey, pack, notes, types] of bulbs) {
    products.push(
      universal({
        brandKey,
        categoryKey,
        name: line,
        description: notes,
        skus: types.map(([type, watts, price]) => ({
          code: `BLB-${code}-${slug(type)}`,
          name: pack === 1 ? type : `${type}, pack of ${pack}`,
          priceCny: retail(price),
          attributes: attrs([
            ['Bulb type', type],
            ['Power', watts],
            ['Voltage', '12 V'],
            ['Pack size', String(pack)],
          ]),
        })),
      }),
    );
  }

  for (const [brandKey, code, pattern, categoryKey, season, notes, sizes] of tyres) {
    products.push(
      universal({
        brandKey,
        categoryKey,
        name: pattern,
        description: notes,
        skus: sizes.map(([size, index, price]) => ({
          code: `TY-${code}-${slug(size)}`,
          name: `${size} ${index}`,
          priceCny: retail(price),
          attributes: attrs([
            ['Size', size],
            ['Load/speed index', index],
            ['Season', season],
            ['Rim diameter', `${size.slice(-2)} in`],
          ]),
        })),
      }),
    );
  }

  return products;
}

export const demoProducts: DemoProduct[] = [...vehicleProducts(), ...universalProducts()];

// ---------------------------------------------------------------------------
// Part numbers and search synonyms
// ---------------------------------------------------------------------------

export type DemoPartNumbers = { manufacturerPartNumber: string; oeNumbers: string[]; crossReferences: { brand: string; number: string }[] };

const digits = (n: number, width: number) => String(n % 10 ** width).padStart(width, '0');
const codeHash = (code: string) => [...code].reduce((hash, char) => mix(hash + char.charCodeAt(0)), 7);

/**
 * The part numbers of a demo SKU, as mechanics type them: the vehicle maker's
 * OE number (Toyota-style "04465-02220" with its dash), the brand's own part
 * number ("0 986 494 104" with spaces) and a cross reference from another
 * brand. Derived from the SKU code by `mix`, so every seed gives the same.
 */
export function demoPartNumbers(skuCode: string): DemoPartNumbers {
  const hash = codeHash(skuCode);
  const second = mix(hash);
  return {
    manufacturerPartNumber: `0 986 ${digits(hash, 3)} ${digits(second, 3)}`,
    oeNumbers: [`${digits(second >>> 3, 5)}-${digits(hash >>> 5, 5)}`],
    crossReferences: [{ brand: 'Febi Bilstein', number: `FB${digits(hash >>> 7, 6)}` }],
  };
}

/** Merchandisers' synonym groups seeded with the demo (staff keep them with saveSearchSynonyms). */
export const demoSynonyms: string[][] = [
  ['brake pads', 'pads', '刹车片'],
  ['brake disc', 'rotor', '刹车盘'],
  ['oil filter', '机油滤清器', '机滤'],
  ['spark plug', '火花塞'],
];
