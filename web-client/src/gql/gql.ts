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
    "\n  query RegisterWarehouses {\n    warehouses {\n      id\n      code\n      name\n    }\n  }\n": typeof types.RegisterWarehousesDocument,
    "\n  query RegisterSku($code: String!) {\n    sku(code: $code) {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      product {\n        id\n        name\n      }\n    }\n  }\n": typeof types.RegisterSkuDocument,
    "\n  query RegisterMembersByPhone($phone: String!) {\n    membersByPhone(phone: $phone) {\n      id\n      name\n      tier {\n        name\n      }\n      points\n      coupons {\n        code\n        description\n        redeemed\n        validUntil\n      }\n    }\n  }\n": typeof types.RegisterMembersByPhoneDocument,
    "\n  mutation RegisterPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RegisterPlaceOrderDocument,
    "\n  mutation RegisterCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        channel\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RegisterCreatePaymentDocument,
    "\n  query RegisterOrder($id: ID!) {\n    order(id: $id) {\n      id\n      number\n      status\n      createdAt\n      storeWarehouseId\n      member {\n        id\n        name\n      }\n      lines {\n        sku {\n          code\n          name\n        }\n        quantity\n        unitPrice {\n          amount\n          currencyCode\n        }\n        lineTotal {\n          amount\n          currencyCode\n        }\n      }\n      subtotal {\n        amount\n        currencyCode\n      }\n      discount {\n        amount\n        currencyCode\n      }\n      couponCode\n      pointsRedeemed\n      total {\n        amount\n        currencyCode\n      }\n    }\n  }\n": typeof types.RegisterOrderDocument,
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
    "\n  query RegisterWarehouses {\n    warehouses {\n      id\n      code\n      name\n    }\n  }\n": types.RegisterWarehousesDocument,
    "\n  query RegisterSku($code: String!) {\n    sku(code: $code) {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      product {\n        id\n        name\n      }\n    }\n  }\n": types.RegisterSkuDocument,
    "\n  query RegisterMembersByPhone($phone: String!) {\n    membersByPhone(phone: $phone) {\n      id\n      name\n      tier {\n        name\n      }\n      points\n      coupons {\n        code\n        description\n        redeemed\n        validUntil\n      }\n    }\n  }\n": types.RegisterMembersByPhoneDocument,
    "\n  mutation RegisterPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RegisterPlaceOrderDocument,
    "\n  mutation RegisterCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        channel\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RegisterCreatePaymentDocument,
    "\n  query RegisterOrder($id: ID!) {\n    order(id: $id) {\n      id\n      number\n      status\n      createdAt\n      storeWarehouseId\n      member {\n        id\n        name\n      }\n      lines {\n        sku {\n          code\n          name\n        }\n        quantity\n        unitPrice {\n          amount\n          currencyCode\n        }\n        lineTotal {\n          amount\n          currencyCode\n        }\n      }\n      subtotal {\n        amount\n        currencyCode\n      }\n      discount {\n        amount\n        currencyCode\n      }\n      couponCode\n      pointsRedeemed\n      total {\n        amount\n        currencyCode\n      }\n    }\n  }\n": types.RegisterOrderDocument,
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
export function graphql(source: "\n  query RegisterWarehouses {\n    warehouses {\n      id\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  query RegisterWarehouses {\n    warehouses {\n      id\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegisterSku($code: String!) {\n    sku(code: $code) {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      product {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query RegisterSku($code: String!) {\n    sku(code: $code) {\n      code\n      name\n      price {\n        amount\n        currencyCode\n      }\n      product {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegisterMembersByPhone($phone: String!) {\n    membersByPhone(phone: $phone) {\n      id\n      name\n      tier {\n        name\n      }\n      points\n      coupons {\n        code\n        description\n        redeemed\n        validUntil\n      }\n    }\n  }\n"): (typeof documents)["\n  query RegisterMembersByPhone($phone: String!) {\n    membersByPhone(phone: $phone) {\n      id\n      name\n      tier {\n        name\n      }\n      points\n      coupons {\n        code\n        description\n        redeemed\n        validUntil\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterPlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      order {\n        id\n        number\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        channel\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterCreatePayment($input: CreatePaymentInput!) {\n    createPayment(input: $input) {\n      payment {\n        id\n        channel\n        status\n        qrCodeUrl\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegisterOrder($id: ID!) {\n    order(id: $id) {\n      id\n      number\n      status\n      createdAt\n      storeWarehouseId\n      member {\n        id\n        name\n      }\n      lines {\n        sku {\n          code\n          name\n        }\n        quantity\n        unitPrice {\n          amount\n          currencyCode\n        }\n        lineTotal {\n          amount\n          currencyCode\n        }\n      }\n      subtotal {\n        amount\n        currencyCode\n      }\n      discount {\n        amount\n        currencyCode\n      }\n      couponCode\n      pointsRedeemed\n      total {\n        amount\n        currencyCode\n      }\n    }\n  }\n"): (typeof documents)["\n  query RegisterOrder($id: ID!) {\n    order(id: $id) {\n      id\n      number\n      status\n      createdAt\n      storeWarehouseId\n      member {\n        id\n        name\n      }\n      lines {\n        sku {\n          code\n          name\n        }\n        quantity\n        unitPrice {\n          amount\n          currencyCode\n        }\n        lineTotal {\n          amount\n          currencyCode\n        }\n      }\n      subtotal {\n        amount\n        currencyCode\n      }\n      discount {\n        amount\n        currencyCode\n      }\n      couponCode\n      pointsRedeemed\n      total {\n        amount\n        currencyCode\n      }\n    }\n  }\n"];
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