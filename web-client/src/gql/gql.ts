/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ProductDetails($id: ID!) {\n    product(id: $id) {\n      id\n      name\n      description\n      brand {\n        id\n        name\n      }\n      category {\n        id\n        name\n        path\n      }\n      fitments {\n        make\n        model\n        yearFrom\n        yearTo\n      }\n      skus {\n        code\n        name\n        attributes {\n          name\n          value\n        }\n        price {\n          amount\n          currencyCode\n        }\n        stock {\n          available\n          levels {\n            warehouse {\n              id\n              code\n              name\n            }\n            onHand\n            reserved\n            available\n          }\n        }\n      }\n    }\n  }\n": typeof types.ProductDetailsDocument,
    "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation RegisterCustomer($input: RegisterMemberInput!) {\n    registerMember(input: $input) {\n      member {\n        id\n        name\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RegisterCustomerDocument,
    "\n  mutation BasketPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n        total {\n          amount\n          currencyCode\n        }\n        reservationExpiresAt\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.BasketPlaceOrderDocument,
    "\n  mutation BasketCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.BasketCreatePaymentDocument,
    "\n  query DashboardSkuPage($search: String, $first: Int!, $after: String) {\n    products(filter: { search: $search }, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          skus {\n            code\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardSkuPageDocument,
    "\n  query DashboardStockLevels($skuCodes: [String!]!) {\n    stockLevels(skuCodes: $skuCodes) {\n      sku {\n        code\n        name\n        product {\n          id\n          name\n        }\n      }\n      warehouse {\n        id\n        code\n        name\n      }\n      onHand\n      reserved\n      available\n      reorderPoint\n    }\n  }\n": typeof types.DashboardStockLevelsDocument,
    "\n  query DashboardHeadline {\n    lowStockLevels {\n      sku {\n        code\n      }\n      warehouse {\n        id\n        code\n      }\n      available\n      reserved\n      reorderPoint\n    }\n    stockValuation {\n      lines {\n        warehouse {\n          id\n          code\n          name\n        }\n        units\n        value {\n          amount\n          currencyCode\n        }\n      }\n      uncostedLevels\n    }\n  }\n": typeof types.DashboardHeadlineDocument,
    "\n  subscription DashboardStockChanged {\n    stockChanged {\n      sku {\n        code\n        name\n      }\n      warehouse {\n        id\n        code\n      }\n      onHand\n      reserved\n      available\n      delta\n      kind\n      reason\n      at\n    }\n  }\n": typeof types.DashboardStockChangedDocument,
    "\n  query DashboardRecentOrders($from: DateTime!, $first: Int!) {\n    orders(filter: { from: $from }, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DashboardOrder\n        }\n      }\n    }\n  }\n": typeof types.DashboardRecentOrdersDocument,
    "\n  fragment DashboardOrder on Order {\n    id\n    number\n    status\n    channel\n    createdAt\n    total {\n      amount\n      currencyCode\n    }\n  }\n": typeof types.DashboardOrderFragmentDoc,
    "\n  subscription DashboardOrderUpdated {\n    orderUpdated {\n      order {\n        ...DashboardOrder\n      }\n      previousStatus\n      at\n    }\n  }\n": typeof types.DashboardOrderUpdatedDocument,
    "\n  query StoreVehicles {\n    vehicles {\n      make\n      model\n      yearFrom\n      yearTo\n    }\n  }\n": typeof types.StoreVehiclesDocument,
    "\n  query StoreSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) {\n      text\n      kind\n    }\n  }\n": typeof types.StoreSuggestionsDocument,
    "\n  fragment StoreProduct on Product {\n    id\n    name\n    brand {\n      id\n      name\n    }\n    category {\n      id\n      name\n    }\n    skus {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      stock {\n        available\n      }\n    }\n  }\n": typeof types.StoreProductFragmentDoc,
    "\n  query StoreBrowse($filter: ProductFilter, $first: Int!, $after: String) {\n    products(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n    }\n  }\n": typeof types.StoreBrowseDocument,
    "\n  query StoreSearch($query: String!, $filter: ProductFilter, $price: PriceRangeInput, $first: Int!, $after: String) {\n    productSearch(query: $query, filter: $filter, price: $price, first: $first, after: $after, facetLimit: 8) {\n      totalCount\n      truncated\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      facets {\n        resultKey\n        brands {\n          brand {\n            id\n            name\n          }\n          count\n        }\n        categories {\n          category {\n            id\n            name\n          }\n          count\n        }\n        priceRanges {\n          label\n          min\n          max\n          count\n        }\n        inStock {\n          inStock\n          outOfStock\n        }\n      }\n    }\n  }\n": typeof types.StoreSearchDocument,
};
const documents: Documents = {
    "\n  query ProductDetails($id: ID!) {\n    product(id: $id) {\n      id\n      name\n      description\n      brand {\n        id\n        name\n      }\n      category {\n        id\n        name\n        path\n      }\n      fitments {\n        make\n        model\n        yearFrom\n        yearTo\n      }\n      skus {\n        code\n        name\n        attributes {\n          name\n          value\n        }\n        price {\n          amount\n          currencyCode\n        }\n        stock {\n          available\n          levels {\n            warehouse {\n              id\n              code\n              name\n            }\n            onHand\n            reserved\n            available\n          }\n        }\n      }\n    }\n  }\n": types.ProductDetailsDocument,
    "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation RegisterCustomer($input: RegisterMemberInput!) {\n    registerMember(input: $input) {\n      member {\n        id\n        name\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RegisterCustomerDocument,
    "\n  mutation BasketPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n        total {\n          amount\n          currencyCode\n        }\n        reservationExpiresAt\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.BasketPlaceOrderDocument,
    "\n  mutation BasketCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.BasketCreatePaymentDocument,
    "\n  query DashboardSkuPage($search: String, $first: Int!, $after: String) {\n    products(filter: { search: $search }, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          skus {\n            code\n          }\n        }\n      }\n    }\n  }\n": types.DashboardSkuPageDocument,
    "\n  query DashboardStockLevels($skuCodes: [String!]!) {\n    stockLevels(skuCodes: $skuCodes) {\n      sku {\n        code\n        name\n        product {\n          id\n          name\n        }\n      }\n      warehouse {\n        id\n        code\n        name\n      }\n      onHand\n      reserved\n      available\n      reorderPoint\n    }\n  }\n": types.DashboardStockLevelsDocument,
    "\n  query DashboardHeadline {\n    lowStockLevels {\n      sku {\n        code\n      }\n      warehouse {\n        id\n        code\n      }\n      available\n      reserved\n      reorderPoint\n    }\n    stockValuation {\n      lines {\n        warehouse {\n          id\n          code\n          name\n        }\n        units\n        value {\n          amount\n          currencyCode\n        }\n      }\n      uncostedLevels\n    }\n  }\n": types.DashboardHeadlineDocument,
    "\n  subscription DashboardStockChanged {\n    stockChanged {\n      sku {\n        code\n        name\n      }\n      warehouse {\n        id\n        code\n      }\n      onHand\n      reserved\n      available\n      delta\n      kind\n      reason\n      at\n    }\n  }\n": types.DashboardStockChangedDocument,
    "\n  query DashboardRecentOrders($from: DateTime!, $first: Int!) {\n    orders(filter: { from: $from }, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DashboardOrder\n        }\n      }\n    }\n  }\n": types.DashboardRecentOrdersDocument,
    "\n  fragment DashboardOrder on Order {\n    id\n    number\n    status\n    channel\n    createdAt\n    total {\n      amount\n      currencyCode\n    }\n  }\n": types.DashboardOrderFragmentDoc,
    "\n  subscription DashboardOrderUpdated {\n    orderUpdated {\n      order {\n        ...DashboardOrder\n      }\n      previousStatus\n      at\n    }\n  }\n": types.DashboardOrderUpdatedDocument,
    "\n  query StoreVehicles {\n    vehicles {\n      make\n      model\n      yearFrom\n      yearTo\n    }\n  }\n": types.StoreVehiclesDocument,
    "\n  query StoreSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) {\n      text\n      kind\n    }\n  }\n": types.StoreSuggestionsDocument,
    "\n  fragment StoreProduct on Product {\n    id\n    name\n    brand {\n      id\n      name\n    }\n    category {\n      id\n      name\n    }\n    skus {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      stock {\n        available\n      }\n    }\n  }\n": types.StoreProductFragmentDoc,
    "\n  query StoreBrowse($filter: ProductFilter, $first: Int!, $after: String) {\n    products(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n    }\n  }\n": types.StoreBrowseDocument,
    "\n  query StoreSearch($query: String!, $filter: ProductFilter, $price: PriceRangeInput, $first: Int!, $after: String) {\n    productSearch(query: $query, filter: $filter, price: $price, first: $first, after: $after, facetLimit: 8) {\n      totalCount\n      truncated\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      facets {\n        resultKey\n        brands {\n          brand {\n            id\n            name\n          }\n          count\n        }\n        categories {\n          category {\n            id\n            name\n          }\n          count\n        }\n        priceRanges {\n          label\n          min\n          max\n          count\n        }\n        inStock {\n          inStock\n          outOfStock\n        }\n      }\n    }\n  }\n": types.StoreSearchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductDetails($id: ID!) {\n    product(id: $id) {\n      id\n      name\n      description\n      brand {\n        id\n        name\n      }\n      category {\n        id\n        name\n        path\n      }\n      fitments {\n        make\n        model\n        yearFrom\n        yearTo\n      }\n      skus {\n        code\n        name\n        attributes {\n          name\n          value\n        }\n        price {\n          amount\n          currencyCode\n        }\n        stock {\n          available\n          levels {\n            warehouse {\n              id\n              code\n              name\n            }\n            onHand\n            reserved\n            available\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductDetails($id: ID!) {\n    product(id: $id) {\n      id\n      name\n      description\n      brand {\n        id\n        name\n      }\n      category {\n        id\n        name\n        path\n      }\n      fitments {\n        make\n        model\n        yearFrom\n        yearTo\n      }\n      skus {\n        code\n        name\n        attributes {\n          name\n          value\n        }\n        price {\n          amount\n          currencyCode\n        }\n        stock {\n          available\n          levels {\n            warehouse {\n              id\n              code\n              name\n            }\n            onHand\n            reserved\n            available\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterCustomer($input: RegisterMemberInput!) {\n    registerMember(input: $input) {\n      member {\n        id\n        name\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterCustomer($input: RegisterMemberInput!) {\n    registerMember(input: $input) {\n      member {\n        id\n        name\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BasketPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n        total {\n          amount\n          currencyCode\n        }\n        reservationExpiresAt\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BasketPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n        total {\n          amount\n          currencyCode\n        }\n        reservationExpiresAt\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BasketCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BasketCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSkuPage($search: String, $first: Int!, $after: String) {\n    products(filter: { search: $search }, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          skus {\n            code\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardSkuPage($search: String, $first: Int!, $after: String) {\n    products(filter: { search: $search }, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          skus {\n            code\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardStockLevels($skuCodes: [String!]!) {\n    stockLevels(skuCodes: $skuCodes) {\n      sku {\n        code\n        name\n        product {\n          id\n          name\n        }\n      }\n      warehouse {\n        id\n        code\n        name\n      }\n      onHand\n      reserved\n      available\n      reorderPoint\n    }\n  }\n"): (typeof documents)["\n  query DashboardStockLevels($skuCodes: [String!]!) {\n    stockLevels(skuCodes: $skuCodes) {\n      sku {\n        code\n        name\n        product {\n          id\n          name\n        }\n      }\n      warehouse {\n        id\n        code\n        name\n      }\n      onHand\n      reserved\n      available\n      reorderPoint\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardHeadline {\n    lowStockLevels {\n      sku {\n        code\n      }\n      warehouse {\n        id\n        code\n      }\n      available\n      reserved\n      reorderPoint\n    }\n    stockValuation {\n      lines {\n        warehouse {\n          id\n          code\n          name\n        }\n        units\n        value {\n          amount\n          currencyCode\n        }\n      }\n      uncostedLevels\n    }\n  }\n"): (typeof documents)["\n  query DashboardHeadline {\n    lowStockLevels {\n      sku {\n        code\n      }\n      warehouse {\n        id\n        code\n      }\n      available\n      reserved\n      reorderPoint\n    }\n    stockValuation {\n      lines {\n        warehouse {\n          id\n          code\n          name\n        }\n        units\n        value {\n          amount\n          currencyCode\n        }\n      }\n      uncostedLevels\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardStockChanged {\n    stockChanged {\n      sku {\n        code\n        name\n      }\n      warehouse {\n        id\n        code\n      }\n      onHand\n      reserved\n      available\n      delta\n      kind\n      reason\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardStockChanged {\n    stockChanged {\n      sku {\n        code\n        name\n      }\n      warehouse {\n        id\n        code\n      }\n      onHand\n      reserved\n      available\n      delta\n      kind\n      reason\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardRecentOrders($from: DateTime!, $first: Int!) {\n    orders(filter: { from: $from }, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DashboardOrder\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardRecentOrders($from: DateTime!, $first: Int!) {\n    orders(filter: { from: $from }, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DashboardOrder\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardOrder on Order {\n    id\n    number\n    status\n    channel\n    createdAt\n    total {\n      amount\n      currencyCode\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardOrder on Order {\n    id\n    number\n    status\n    channel\n    createdAt\n    total {\n      amount\n      currencyCode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardOrderUpdated {\n    orderUpdated {\n      order {\n        ...DashboardOrder\n      }\n      previousStatus\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardOrderUpdated {\n    orderUpdated {\n      order {\n        ...DashboardOrder\n      }\n      previousStatus\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreVehicles {\n    vehicles {\n      make\n      model\n      yearFrom\n      yearTo\n    }\n  }\n"): (typeof documents)["\n  query StoreVehicles {\n    vehicles {\n      make\n      model\n      yearFrom\n      yearTo\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) {\n      text\n      kind\n    }\n  }\n"): (typeof documents)["\n  query StoreSuggestions($prefix: String!) {\n    searchSuggestions(prefix: $prefix, first: 8) {\n      text\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StoreProduct on Product {\n    id\n    name\n    brand {\n      id\n      name\n    }\n    category {\n      id\n      name\n    }\n    skus {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      stock {\n        available\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment StoreProduct on Product {\n    id\n    name\n    brand {\n      id\n      name\n    }\n    category {\n      id\n      name\n    }\n    skus {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      stock {\n        available\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreBrowse($filter: ProductFilter, $first: Int!, $after: String) {\n    products(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StoreBrowse($filter: ProductFilter, $first: Int!, $after: String) {\n    products(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StoreSearch($query: String!, $filter: ProductFilter, $price: PriceRangeInput, $first: Int!, $after: String) {\n    productSearch(query: $query, filter: $filter, price: $price, first: $first, after: $after, facetLimit: 8) {\n      totalCount\n      truncated\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      facets {\n        resultKey\n        brands {\n          brand {\n            id\n            name\n          }\n          count\n        }\n        categories {\n          category {\n            id\n            name\n          }\n          count\n        }\n        priceRanges {\n          label\n          min\n          max\n          count\n        }\n        inStock {\n          inStock\n          outOfStock\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StoreSearch($query: String!, $filter: ProductFilter, $price: PriceRangeInput, $first: Int!, $after: String) {\n    productSearch(query: $query, filter: $filter, price: $price, first: $first, after: $after, facetLimit: 8) {\n      totalCount\n      truncated\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      facets {\n        resultKey\n        brands {\n          brand {\n            id\n            name\n          }\n          count\n        }\n        categories {\n          category {\n            id\n            name\n          }\n          count\n        }\n        priceRanges {\n          label\n          min\n          max\n          count\n        }\n        inStock {\n          inStock\n          outOfStock\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;