import type { Identity } from '../../../platform/auth/identity.ts';
import type { Config } from '../../../platform/config/config.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../../catalogue/server.ts';
import { stockSubgraph } from '../server.ts';

/**
 * Stock needs the catalogue (it checks SKU codes there), so its tests run
 * both subgraphs for real, on free ports, with the stock subgraph pointed at
 * this catalogue. No seeded demo data: each suite creates what it uses.
 */
export const stockWriter: Identity = staff('stock:write', 'stock:read');
export const stockReader: Identity = staff('stock:read');

export type StockSystem = {
  catalogue: TestSubgraph;
  stock: TestSubgraph;
  /** A supplier that exists in the catalogue, for receipts and purchase orders. */
  supplierId: string;
  /** Runs a stock mutation as a stock writer and returns its payload, failing loudly on GraphQL errors. */
  mutate<T = Record<string, unknown>>(
    name: string,
    input: Record<string, unknown>,
    select: string,
  ): Promise<T & { userErrors: UserError[] }>;
  /** Creates SKUs in the catalogue (one product holding them all). */
  createSkus(codes: string[]): Promise<void>;
  createWarehouse(code: string, priority?: number): Promise<string>;
  receive(warehouseId: string, lines: { skuCode: string; quantity: number }[], reference?: string): Promise<void>;
  level(skuCode: string, warehouseId: string): Promise<{ onHand: number; reserved: number; available: number } | null>;
  reconcile(): Promise<{ checkedLevels: number; discrepancies: unknown[] }>;
  close(): Promise<void>;
};

export type UserError = { code: string; field: string | null; message: string };

let receiptNumber = 0;

/** `onQuery` sees every statement the stock subgraph runs (tests count them). */
export async function startStockSystem(config: Config, options: { onQuery?: (sql: string) => void } = {}): Promise<StockSystem> {
  const catalogue = await startTestSubgraph(catalogueSubgraph, config);
  const stock = await startTestSubgraph(stockSubgraph, config, { peerUrls: { catalogue: catalogue.url }, onQuery: options.onQuery });
  const catalogueWriter = staff('catalogue:write');
  const supplier = await catalogue.request<{ createSupplier: { supplier: { id: string } } }>(
    'mutation { createSupplier(input: { name: "Stock test supplier", email: "parts@example.com" }) { supplier { id } } }',
    {},
    catalogueWriter,
  );
  let brandId: string | null = null;
  let categoryId: string | null = null;

  const mutate = async <T>(name: string, input: Record<string, unknown>, select: string) => {
    const type = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const result = await stock.request<Record<string, T & { userErrors: UserError[] }>>(
      `mutation ($input: ${type}!) { ${name}(input: $input) { ${select} userErrors { code field message } } }`,
      { input },
      stockWriter,
    );
    if (result.errors) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
    return result.data![name]!;
  };

  return {
    catalogue,
    stock,
    supplierId: supplier.data!.createSupplier.supplier.id,
    mutate,
    async createSkus(codes) {
      if (!brandId || !categoryId) {
        const made = await catalogue.request<{ createBrand: { brand: { id: string } }; createCategory: { category: { id: string } } }>(
          'mutation { createBrand(input: { name: "Stock test brand" }) { brand { id } } createCategory(input: { name: "Stock test category" }) { category { id } } }',
          {},
          catalogueWriter,
        );
        brandId = made.data!.createBrand.brand.id;
        categoryId = made.data!.createCategory.category.id;
      }
      const result = await catalogue.request<{ createProduct: { userErrors: UserError[] } }>(
        'mutation ($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code field message } } }',
        {
          input: {
            name: `Product of ${codes[0]}`,
            brandId,
            categoryId,
            skus: codes.map((code) => ({ code, name: code, price: { amount: '100.00', currencyCode: 'CNY' } })),
          },
        },
        catalogueWriter,
      );
      if (result.data?.createProduct.userErrors.length !== 0) throw new Error(`createSkus: ${JSON.stringify(result)}`);
    },
    async createWarehouse(code, priority = 100) {
      const payload = await mutate<{ warehouse: { id: string } }>(
        'createWarehouse',
        { code, name: `Warehouse ${code}`, region: 'East', priority },
        'warehouse { id }',
      );
      if (payload.userErrors.length) throw new Error(`createWarehouse: ${JSON.stringify(payload.userErrors)}`);
      return payload.warehouse.id;
    },
    async receive(warehouseId, lines, reference = `RCV-${++receiptNumber}-${Date.now()}`) {
      const payload = await mutate('receiveStock', { warehouseId, reference, lines }, 'receipt { id }');
      if (payload.userErrors.length) throw new Error(`receiveStock: ${JSON.stringify(payload.userErrors)}`);
    },
    async level(skuCode, warehouseId) {
      const result = await stock.request<{
        stockLevels: { warehouse: { id: string }; onHand: number; reserved: number; available: number }[];
      }>('query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { warehouse { id } onHand reserved available } }', {
        codes: [skuCode],
      });
      const level = result.data?.stockLevels.find((candidate) => candidate.warehouse.id === warehouseId);
      return level ? { onHand: level.onHand, reserved: level.reserved, available: level.available } : null;
    },
    async reconcile() {
      const result = await stock.request<{ stockReconciliation: { checkedLevels: number; discrepancies: unknown[] } }>(
        '{ stockReconciliation { checkedLevels discrepancies { sku { code } warehouse { id } onHand ledgerOnHand reserved ledgerReserved } } }',
        {},
        stockReader,
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data!.stockReconciliation;
    },
    async close() {
      await stock.close();
      await catalogue.close();
    },
  };
}
