/**
 * A deterministic product catalog, generated once per app: it gives the heap a realistic
 * population of long-lived objects for the leak to hide among.
 */
export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  stock: number;
  tags: string[];
  description: string;
}

const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Ultra', 'Smart', 'Rugged', 'Silent', 'Turbo', 'Vintage'];
const NOUNS = ['Kettle', 'Lamp', 'Backpack', 'Headphones', 'Blender', 'Chair', 'Bottle', 'Keyboard', 'Tent', 'Watch'];
const CATEGORIES = ['kitchen', 'home', 'outdoor', 'audio', 'office', 'travel'];

export const CATALOG_SIZE = 1000;

export function createCatalog(size = CATALOG_SIZE): Product[] {
  const products: Product[] = [];
  for (let id = 1; id <= size; id += 1) {
    const adjective = ADJECTIVES[id % ADJECTIVES.length]!;
    const noun = NOUNS[Math.floor(id / ADJECTIVES.length) % NOUNS.length]!;
    const category = CATEGORIES[id % CATEGORIES.length]!;
    products.push({
      id,
      sku: `SKU-${String(id).padStart(6, '0')}`,
      name: `${adjective} ${noun} ${id}`,
      category,
      priceCents: 499 + ((id * 7919) % 50000),
      stock: (id * 31) % 200,
      tags: [category, adjective.toLowerCase(), noun.toLowerCase()],
      description: `The ${adjective.toLowerCase()} ${noun.toLowerCase()} for everyday ${category} use, model ${id}.`,
    });
  }
  return products;
}

export function searchCatalog(products: readonly Product[], query: string, limit = 20): Product[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: { product: Product; score: number }[] = [];
  for (const product of products) {
    const haystack = `${product.name} ${product.category} ${product.tags.join(' ')}`.toLowerCase();
    let score = 0;
    for (const word of words) if (haystack.includes(word)) score += 1;
    if (score > 0) scored.push({ product, score });
  }
  scored.sort((a, b) => b.score - a.score || a.product.id - b.product.id);
  return scored.slice(0, limit).map((s) => s.product);
}
