import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import { selectsField } from '../../platform/graphql/selection.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { CatalogueContext } from './context.ts';
import type { Category } from './entities/category.entity.ts';
import type { Product } from './entities/product.entity.ts';
import { type Sku, skuAttributes } from './entities/sku.entity.ts';
import type { SkuPriceChange } from './entities/sku-price-change.entity.ts';
import type { ProductImage } from './image-repository.ts';
import * as pictures from './product-images.ts';
import * as search from './search-admin.ts';
import { matchedProducts, type PRICE_RANGES } from './search-facets.ts';
import * as finder from './search-service.ts';
import * as catalogue from './service.ts';

/** Thin: parse arguments, call the service, shape the result. */
type Args<T> = { input: T };

export const resolvers: GraphQLResolverMap<CatalogueContext> = {
  ...scalarResolvers,
  Query: {
    products: (_, args, ctx, info) => catalogue.searchProducts(ctx, args, { totalCount: selectsField(info, 'totalCount') }),
    product: (_, { id }: { id: string }, ctx) => catalogue.productById(ctx, id),
    sku: (_, { code }: { code: string }, ctx) => catalogue.skuByCode(ctx, code),
    skus: (_, { codes }: { codes: string[] }, ctx) => catalogue.skusByCodes(ctx, codes),
    categories: (_, __, ctx) => catalogue.rootCategories(ctx),
    category: (_, { id }: { id: string }, ctx) => catalogue.categoryById(ctx, id),
    brands: (_, __, ctx) => catalogue.brands(ctx),
    brand: (_, { id }: { id: string }, ctx) => catalogue.brandById(ctx, id),
    vehicles: (_, __, ctx) => catalogue.vehicles(ctx),
    suppliers: (_, __, ctx) => catalogue.suppliers(ctx),
    supplier: (_, { id }: { id: string }, ctx) => catalogue.supplierById(ctx, id),
    productSearch: (_, args: finder.ProductSearchArgs, ctx, info) =>
      finder.searchProducts(ctx, args, { facets: selectsField(info, 'facets') }),
    searchSuggestions: (_, { prefix, first }: { prefix: string; first?: number | null }, ctx) =>
      finder.searchSuggestions(ctx, prefix, first),
    searchSynonyms: (_, __, ctx) => search.searchSynonyms(ctx),
  },
  Mutation: {
    setSkuPartNumbers: (_, { input }: Args<search.SetSkuPartNumbersInput>, ctx) => search.setSkuPartNumbers(ctx, input),
    saveSearchSynonyms: (_, { input }: Args<Parameters<typeof search.saveSearchSynonyms>[1]>, ctx) => search.saveSearchSynonyms(ctx, input),
    deleteSearchSynonyms: (_, { id }: { id: string }, ctx) => search.deleteSearchSynonyms(ctx, id),
    createProduct: (_, { input }: Args<Parameters<typeof catalogue.createProduct>[1]>, ctx) => catalogue.createProduct(ctx, input),
    updateProduct: (_, { input }: Args<Parameters<typeof catalogue.updateProduct>[1]>, ctx) => catalogue.updateProduct(ctx, input),
    setSkuPrice: (_, { input }: Args<Parameters<typeof catalogue.setSkuPrice>[1]>, ctx) => catalogue.setSkuPrice(ctx, input),
    addProductImage: (_, { input }: Args<Parameters<typeof pictures.addProductImage>[1]>, ctx) => pictures.addProductImage(ctx, input),
    removeProductImage: (_, { input }: Args<Parameters<typeof pictures.removeProductImage>[1]>, ctx) =>
      pictures.removeProductImage(ctx, input),
    reorderProductImages: (_, { input }: Args<Parameters<typeof pictures.reorderProductImages>[1]>, ctx) =>
      pictures.reorderProductImages(ctx, input),
    createBrand: (_, { input }: Args<Parameters<typeof catalogue.createBrand>[1]>, ctx) => catalogue.createBrand(ctx, input),
    createCategory: (_, { input }: Args<Parameters<typeof catalogue.createCategory>[1]>, ctx) => catalogue.createCategory(ctx, input),
    createSupplier: (_, { input }: Args<Parameters<typeof catalogue.createSupplier>[1]>, ctx) => catalogue.createSupplier(ctx, input),
  },
  Product: {
    __resolveReference: ({ id }: { id: string }, ctx: CatalogueContext) => catalogue.productById(ctx, id),
    brand: (product: Product, _, ctx) => ctx.loaders.brandById.load(product.brandId),
    category: (product: Product, _, ctx) => ctx.loaders.categoryById.load(product.categoryId),
    supplier: (product: Product, _, ctx) => (product.supplierId ? catalogue.supplierById(ctx, product.supplierId) : null),
    skus: (product: Product, _, ctx) => catalogue.skusOf(ctx, product),
    fitments: (product: Product, _, ctx) => catalogue.fitmentsOf(ctx, product),
    images: (product: Product, _, ctx) => pictures.imagesOf(ctx, product.id),
  },
  ProductImage: {
    url: (image: ProductImage) => pictures.imageUrl(image),
  },
  Sku: {
    __resolveReference: ({ code }: { code: string }, ctx: CatalogueContext) => catalogue.skuByCode(ctx, code),
    product: (sku: Sku, _, ctx) => ctx.loaders.productById.load(sku.productId),
    attributes: (sku: Sku) => skuAttributes(sku),
    price: (sku: Sku) => moneyView(sku.priceMinor, sku.currency),
    priceHistory: (sku: Sku, _, ctx) => catalogue.priceHistoryOf(ctx, sku),
    manufacturerPartNumber: async (sku: Sku, _, ctx) =>
      (await ctx.loaders.partNumbersBySkuCode.load(sku.code)).find((part) => part.kind === 'MPN')?.number ?? null,
    oeNumbers: async (sku: Sku, _, ctx) =>
      (await ctx.loaders.partNumbersBySkuCode.load(sku.code)).filter((part) => part.kind === 'OE').map((part) => part.number),
    crossReferences: async (sku: Sku, _, ctx) =>
      (await ctx.loaders.partNumbersBySkuCode.load(sku.code))
        .filter((part) => part.kind === 'CROSS')
        .map((part) => ({ brand: part.brandName ?? '', number: part.number })),
  },
  ProductFacets: {
    // A search result cannot be fetched again by its key; the stock subgraph's `inStock` is reached from productSearch only.
    __resolveReference: () => null,
    matchedProducts: (facets: { productIds: string[] }, _, ctx) => matchedProducts(ctx, facets.productIds),
  },
  BrandFacet: { brand: (facet: { brandId: string }, _, ctx) => ctx.loaders.brandById.load(facet.brandId) },
  CategoryFacet: { category: (facet: { categoryId: string }, _, ctx) => ctx.loaders.categoryById.load(facet.categoryId) },
  PriceRangeFacet: {
    min: (range: (typeof PRICE_RANGES)[number]) => (range.minMinor === null ? null : (range.minMinor / 100).toFixed(2)),
    max: (range: (typeof PRICE_RANGES)[number]) => (range.maxMinor === null ? null : (range.maxMinor / 100).toFixed(2)),
  },
  SearchSuggestion: {
    product: (suggestion: finder.Suggestion, _, ctx) => (suggestion.productId ? ctx.loaders.productById.load(suggestion.productId) : null),
  },
  PriceChange: {
    price: (change: SkuPriceChange) => moneyView(change.priceMinor, change.currency),
    previousPrice: (change: SkuPriceChange) =>
      change.previousMinor == null || change.previousCurrency == null ? null : moneyView(change.previousMinor, change.previousCurrency),
  },
  Category: {
    __resolveReference: ({ id }: { id: string }, ctx: CatalogueContext) => catalogue.categoryById(ctx, id),
    parent: (category: Category, _, ctx) => (category.parentId ? ctx.loaders.categoryById.load(category.parentId) : null),
    children: (category: Category, _, ctx) => catalogue.childrenOf(ctx, category),
    path: (category: Category) => category.pathNames,
  },
  Brand: {
    __resolveReference: ({ id }: { id: string }, ctx: CatalogueContext) => catalogue.brandById(ctx, id),
  },
  Supplier: {
    __resolveReference: ({ id }: { id: string }, ctx: CatalogueContext) => catalogue.supplierById(ctx, id),
  },
};
