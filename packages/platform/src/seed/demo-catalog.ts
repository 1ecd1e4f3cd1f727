/**
 * A deterministic, realistic demo catalog: the same seed gives the same products, in the same order,
 * so seeding can resume where it stopped.
 */

export interface DemoCategory {
  name: string;
  slug: string;
  parent?: string;
}

export interface DemoProduct {
  name: string;
  status: 'active' | 'draft' | 'archived';
  description: string;
  categorySlugs: string[];
  options: { name: string; values: string[] }[];
  variants: {
    sku: string;
    options: Record<string, string>;
    prices: { currency: string; amount: number }[];
  }[];
}

type Kind = 'apparel' | 'shoes' | 'accessory' | 'home' | 'outdoor';

interface Leaf {
  name: string;
  code: string;
  kind: Kind;
  nouns: string[];
  /** USD price range in whole dollars. */
  price: [number, number];
}

const TREE: { name: string; leaves: Leaf[] }[] = [
  {
    name: 'Apparel',
    leaves: [
      {
        name: 'Shirts',
        code: 'SHI',
        kind: 'apparel',
        nouns: ['Oxford Shirt', 'Flannel Shirt', 'Linen Shirt', 'Denim Shirt', 'Camp Shirt', 'Poplin Shirt'],
        price: [39, 110],
      },
      {
        name: 'T-Shirts',
        code: 'TEE',
        kind: 'apparel',
        nouns: ['Crew Tee', 'Pocket Tee', 'Henley', 'Long Sleeve Tee', 'Ringer Tee'],
        price: [19, 45],
      },
      {
        name: 'Sweaters',
        code: 'SWE',
        kind: 'apparel',
        nouns: ['Crewneck Sweater', 'Cardigan', 'Fisherman Sweater', 'Quarter-Zip', 'Turtleneck'],
        price: [69, 180],
      },
      {
        name: 'Jackets',
        code: 'JAC',
        kind: 'apparel',
        nouns: ['Chore Coat', 'Rain Shell', 'Puffer Jacket', 'Field Jacket', 'Overshirt', 'Bomber Jacket'],
        price: [98, 320],
      },
      {
        name: 'Pants',
        code: 'PAN',
        kind: 'apparel',
        nouns: ['Chinos', 'Work Pants', 'Cords', 'Joggers', 'Straight Jeans', 'Trail Pants'],
        price: [49, 140],
      },
    ],
  },
  {
    name: 'Footwear',
    leaves: [
      {
        name: 'Sneakers',
        code: 'SNK',
        kind: 'shoes',
        nouns: ['Court Sneaker', 'Runner', 'Canvas Low', 'Trainer', 'Slip-On'],
        price: [59, 160],
      },
      {
        name: 'Boots',
        code: 'BOO',
        kind: 'shoes',
        nouns: ['Chelsea Boot', 'Hiking Boot', 'Work Boot', 'Chukka', 'Rain Boot'],
        price: [110, 280],
      },
      {
        name: 'Sandals',
        code: 'SAN',
        kind: 'shoes',
        nouns: ['Slide', 'Trail Sandal', 'Clog', 'Flip-Flop'],
        price: [25, 90],
      },
    ],
  },
  {
    name: 'Accessories',
    leaves: [
      {
        name: 'Bags',
        code: 'BAG',
        kind: 'accessory',
        nouns: ['Tote', 'Backpack', 'Weekender', 'Sling Bag', 'Messenger Bag', 'Dopp Kit'],
        price: [29, 220],
      },
      {
        name: 'Hats',
        code: 'HAT',
        kind: 'accessory',
        nouns: ['Beanie', 'Baseball Cap', 'Bucket Hat', 'Wool Cap'],
        price: [19, 60],
      },
      {
        name: 'Scarves',
        code: 'SCA',
        kind: 'accessory',
        nouns: ['Scarf', 'Bandana', 'Snood'],
        price: [19, 90],
      },
      {
        name: 'Belts',
        code: 'BEL',
        kind: 'accessory',
        nouns: ['Leather Belt', 'Web Belt', 'Braided Belt'],
        price: [29, 85],
      },
    ],
  },
  {
    name: 'Home',
    leaves: [
      {
        name: 'Kitchen',
        code: 'KIT',
        kind: 'home',
        nouns: ['Mug', 'Pour-Over Set', 'Chef Knife', 'Cutting Board', 'Cast Iron Skillet', 'Tea Towel'],
        price: [12, 160],
      },
      {
        name: 'Decor',
        code: 'DEC',
        kind: 'home',
        nouns: ['Vase', 'Candle', 'Throw Pillow', 'Wall Print', 'Planter'],
        price: [15, 120],
      },
      {
        name: 'Bedding',
        code: 'BED',
        kind: 'home',
        nouns: ['Duvet Cover', 'Sheet Set', 'Quilt', 'Throw Blanket'],
        price: [45, 260],
      },
    ],
  },
  {
    name: 'Outdoor',
    leaves: [
      {
        name: 'Camping',
        code: 'CAM',
        kind: 'outdoor',
        nouns: ['Tent', 'Sleeping Bag', 'Camp Chair', 'Headlamp', 'Water Bottle', 'Stove'],
        price: [15, 450],
      },
      {
        name: 'Cycling',
        code: 'CYC',
        kind: 'outdoor',
        nouns: ['Bike Light', 'Saddle Bag', 'Cycling Cap', 'Bike Lock', 'Frame Bag'],
        price: [15, 130],
      },
    ],
  },
];

const ADJECTIVES = [
  'Classic',
  'Everyday',
  'Heritage',
  'Coastal',
  'Alpine',
  'Urban',
  'Vintage',
  'Essential',
  'Weekend',
  'Harbor',
  'Summit',
  'Meadow',
  'Nordic',
  'Studio',
  'Canyon',
  'Drift',
  'Fjord',
  'Juniper',
  'Lakeside',
  'Prairie',
];
const MATERIALS = [
  'Organic Cotton',
  'Merino',
  'Recycled',
  'Waxed Canvas',
  'Hemp',
  'Linen',
  'Wool-Blend',
  'Ripstop',
];
const COLORS = ['Black', 'Navy', 'Olive', 'Sand', 'Rust', 'Stone', 'Forest', 'Charcoal', 'Sky', 'Cream'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const SHOE_SIZES = ['7', '8', '9', '10', '11', '12'];
const BLURBS: Record<Kind, string> = {
  apparel: 'Cut for an easy fit and made to be worn for years.',
  shoes: 'A cushioned footbed and a sole built for long days.',
  accessory: 'Small details, finished by hand.',
  home: 'Made in small batches for the rooms you live in.',
  outdoor: 'Tested on the trail and light enough to take everywhere.',
};

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** mulberry32: small, fast, and the same everywhere. */
const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const demoCategories = (): DemoCategory[] =>
  TREE.flatMap((top) => [
    { name: top.name, slug: slug(top.name) },
    ...top.leaves.map((leaf) => ({ name: leaf.name, slug: slug(leaf.name), parent: slug(top.name) })),
  ]);

const LEAVES = TREE.flatMap((top) => top.leaves.map((leaf) => ({ leaf, parent: slug(top.name) })));

/** Psychological pricing: 47.30 → 46.99. */
const charm = (amount: number) => Math.max(99, Math.round(amount / 100) * 100 - 1);

/** The demo products from `start` (inclusive) to `end` (exclusive). */
export function* demoProducts(start: number, end: number, seed = 2024): Generator<DemoProduct> {
  for (let index = start; index < end; index++) {
    const rnd = random(seed * 1_000_003 + index);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const { leaf, parent } = LEAVES[index % LEAVES.length]!;
    const noun = pick(leaf.nouns);
    const name =
      rnd() < 0.5 ? `${pick(ADJECTIVES)} ${noun}` : `${pick(ADJECTIVES)} ${pick(MATERIALS)} ${noun}`;
    const usd = charm((leaf.price[0] + rnd() * (leaf.price[1] - leaf.price[0])) * 100);
    const prices = [
      { currency: 'USD', amount: usd },
      { currency: 'EUR', amount: charm(usd * 0.92) },
      ...(rnd() < 0.5 ? [{ currency: 'GBP', amount: charm(usd * 0.79) }] : []),
    ];

    let options: DemoProduct['options'] = [];
    if (leaf.kind === 'apparel') {
      const from = Math.floor(rnd() * 2);
      options = [{ name: 'Size', values: SIZES.slice(from + 1, from + 4) }];
    } else if (leaf.kind === 'shoes') {
      const from = Math.floor(rnd() * 3);
      options = [{ name: 'Size', values: SHOE_SIZES.slice(from, from + 4) }];
    } else if (leaf.kind === 'accessory' || (leaf.kind === 'home' && rnd() < 0.6)) {
      const first = Math.floor(rnd() * COLORS.length);
      const count = 2 + Math.floor(rnd() * 2);
      options = [
        {
          name: 'Color',
          values: Array.from({ length: count }, (_, i) => COLORS[(first + i) % COLORS.length]!),
        },
      ];
    }

    const code = `${leaf.code}-${String(index + 1).padStart(5, '0')}`;
    const option = options[0];
    const variants = option
      ? option.values.map((value) => ({
          sku: `${code}-${slug(value).toUpperCase()}`,
          options: { [option.name]: value },
          prices,
        }))
      : [{ sku: code, options: {}, prices }];

    const roll = rnd();
    yield {
      name,
      status: roll < 0.95 ? 'active' : roll < 0.98 ? 'draft' : 'archived',
      description: `The ${name}. ${BLURBS[leaf.kind]}`,
      categorySlugs: [slug(leaf.name), parent],
      options,
      variants,
    };
  }
}
