import { type DemoProduct, demoBrands, demoCategories, demoProducts, demoSuppliers } from './car-parts.ts';

const SKU_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const PRICE = /^\d+\.\d{2}$/;

const allSkus = demoProducts.flatMap((product) => product.skus);

function productWithSku(code: string): DemoProduct | undefined {
  return demoProducts.find((product) => product.skus.some((sku) => sku.code === code));
}

describe('the demo catalogue', () => {
  it('has a few hundred products', () => {
    expect(demoProducts.length).toBeGreaterThanOrEqual(300);
    expect(demoProducts.length).toBeLessThanOrEqual(500);
  });

  it('has more SKUs than products, and every product has at least one', () => {
    expect(allSkus.length).toBeGreaterThan(demoProducts.length);
    for (const product of demoProducts) expect(product.skus.length).toBeGreaterThan(0);
  });

  it('gives every SKU a unique, readable code', () => {
    const codes = allSkus.map((sku) => sku.code);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
    expect(codes.filter((code) => !SKU_CODE.test(code))).toEqual([]);
  });

  it('prices every SKU as a positive CNY decimal with two places', () => {
    const bad = allSkus.filter((sku) => !PRICE.test(sku.priceCny) || Number(sku.priceCny) <= 0);
    expect(bad.map((sku) => `${sku.code} ${sku.priceCny}`)).toEqual([]);
  });

  it('gives every SKU a name and one to four distinct, non-empty attributes', () => {
    const bad = allSkus.filter((sku) => {
      const names = sku.attributes.map((attribute) => attribute.name.toLowerCase());
      return (
        sku.name.trim() === '' ||
        sku.name.length > 200 ||
        sku.attributes.length < 1 ||
        sku.attributes.length > 4 ||
        new Set(names).size !== names.length ||
        sku.attributes.some((a) => a.name.trim() === '' || a.name.length > 60 || a.value.trim() === '' || a.value.length > 200)
      );
    });
    expect(bad.map((sku) => sku.code)).toEqual([]);
  });

  it('gives every product a name and a description', () => {
    const bad = demoProducts.filter(
      (product) => product.name.trim() === '' || product.name.length > 200 || product.description.length < 20,
    );
    expect(bad.map((product) => product.name)).toEqual([]);
  });

  it('does not list the same product twice for one brand', () => {
    const keys = demoProducts.map((product) => `${product.brandKey}|${product.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('resolves every brand, category and supplier a product refers to', () => {
    const brands = new Set(demoBrands.map((brand) => brand.key));
    const categories = new Set(demoCategories.map((category) => category.key));
    const suppliers = new Set(demoSuppliers.map((supplier) => supplier.key));
    expect(demoProducts.filter((product) => !brands.has(product.brandKey)).map((product) => product.brandKey)).toEqual([]);
    expect(demoProducts.filter((product) => !categories.has(product.categoryKey)).map((product) => product.categoryKey)).toEqual([]);
    expect(demoProducts.filter((product) => !suppliers.has(product.supplierKey)).map((product) => product.supplierKey)).toEqual([]);
  });

  it('files products only under leaf categories', () => {
    const parents = new Set(demoCategories.map((category) => category.parentKey));
    expect(demoProducts.filter((product) => parents.has(product.categoryKey)).map((product) => product.categoryKey)).toEqual([]);
  });

  it('uses a valid tax class on every product', () => {
    const classes = new Set(demoProducts.map((product) => product.taxClass));
    for (const taxClass of classes) expect(['STANDARD', 'REDUCED', 'EXEMPT']).toContain(taxClass);
  });

  it('gives fitments sensible year ranges', () => {
    const bad = demoProducts
      .flatMap((product) => product.fitments)
      .filter(
        (fitment) =>
          fitment.make.trim() === '' ||
          fitment.model.trim() === '' ||
          fitment.make.length > 60 ||
          fitment.model.length > 60 ||
          !Number.isInteger(fitment.yearFrom) ||
          !Number.isInteger(fitment.yearTo) ||
          fitment.yearFrom > fitment.yearTo ||
          fitment.yearFrom < 1990 ||
          fitment.yearTo > 2030,
      );
    expect(bad).toEqual([]);
  });

  it('sells the Toyota Corolla front brake pads as BP-TOY-COR-F', () => {
    const product = productWithSku('BP-TOY-COR-F');
    expect(product).toBeDefined();
    expect(product?.name).toBe('Front brake pad set for Toyota Corolla');
    expect(product?.categoryKey).toBe('brake-pads');
    expect(['bosch', 'brembo']).toContain(product?.brandKey);
    expect(product?.fitments).toContainEqual({ make: 'Toyota', model: 'Corolla', yearFrom: 2014, yearTo: 2019 });
  });

  it('sells an oil filter for the Volkswagen Golf as OF-VW-GOLF', () => {
    const product = productWithSku('OF-VW-GOLF');
    expect(product).toBeDefined();
    expect(product?.name).toBe('Oil filter for Volkswagen Golf');
    expect(product?.categoryKey).toBe('oil-filters');
    expect(product?.fitments.some((fitment) => fitment.make === 'Volkswagen' && fitment.model === 'Golf')).toBe(true);
  });

  it('builds the same catalogue on every import without Math.random', () => {
    const random = jest.spyOn(Math, 'random');
    let again: DemoProduct[] = [];
    jest.isolateModules(() => {
      again = (require('./car-parts.ts') as { demoProducts: DemoProduct[] }).demoProducts;
    });
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
    expect(again).not.toBe(demoProducts);
    expect(again).toEqual(demoProducts);
  });
});

describe('the demo categories', () => {
  it('have unique keys', () => {
    const keys = demoCategories.map((category) => category.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('list every parent before its children', () => {
    const seen = new Set<string>();
    for (const category of demoCategories) {
      if (category.parentKey !== null) expect(seen).toContain(category.parentKey);
      seen.add(category.key);
    }
  });

  it('form a tree two or three levels deep', () => {
    const parentOf = new Map(demoCategories.map((category) => [category.key, category.parentKey]));
    const depth = (key: string): number => {
      const parent = parentOf.get(key);
      return parent ? 1 + depth(parent) : 1;
    };
    const depths = demoCategories.map((category) => depth(category.key));
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...depths)).toBeLessThanOrEqual(3);
  });
});

describe('the demo brands and suppliers', () => {
  it('have unique keys and names', () => {
    for (const values of [
      demoBrands.map((brand) => brand.key),
      demoBrands.map((brand) => brand.name),
      demoSuppliers.map((supplier) => supplier.key),
      demoSuppliers.map((supplier) => supplier.name),
    ]) {
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('give brands a two-letter country code', () => {
    for (const brand of demoBrands) expect(brand.country).toMatch(/^[A-Z]{2}$/);
  });

  it('give suppliers example.com email addresses and phone numbers', () => {
    for (const supplier of demoSuppliers) {
      expect(supplier.email).toMatch(/^[a-z0-9.-]+@example\.com$/);
      expect(supplier.phone).toMatch(/^\+86[\d ]+$/);
    }
  });
});
