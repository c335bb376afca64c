// Operations of the public contract (test/contract/*.graphql), copied verbatim: the web client is one of its clients.
// Queries the contract does not have (lists for staff screens) follow them, named as such.

export const Login = /* GraphQL */ `
mutation Login($input: LoginInput!) {
  login(input: $input) {
    token
    expiresAt
    userErrors { code field message }
  }
}
`;

export const RegisterMember = /* GraphQL */ `
mutation RegisterMember($input: RegisterMemberInput!) {
  registerMember(input: $input) {
    member { id name email tier { name } }
    userErrors { code field message }
  }
}
`;

export const ProductSearch = /* GraphQL */ `
query ProductSearch($search: String, $fits: VehicleInput, $categoryId: ID, $first: Int, $after: String) {
  products(filter: { search: $search, fitsVehicle: $fits, categoryId: $categoryId }, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id
        name
        brand { id name }
        category { id name }
        skus {
          code
          name
          price { amount currencyCode }
          stock { available }
        }
      }
    }
  }
}
`;

export const ProductDetail = /* GraphQL */ `
query ProductDetail($id: ID!) {
  product(id: $id) {
    id
    name
    description
    brand { id name }
    category { id name path }
    fitments { make model yearFrom yearTo }
    skus {
      code
      name
      attributes { name value }
      price { amount currencyCode }
      stock {
        available
        levels { warehouse { id code name } onHand reserved available }
      }
    }
  }
}
`;

export const PlaceOrder = /* GraphQL */ `
mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order {
      id
      number
      status
      total { amount currencyCode }
      lines {
        sku { code name product { name } }
        quantity
        unitPrice { amount currencyCode }
        lineTotal { amount currencyCode }
      }
      reservationExpiresAt
    }
    userErrors { code field message }
  }
}
`;

export const CreatePayment = /* GraphQL */ `
mutation CreatePayment($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    payment {
      id
      channel
      status
      amount { amount currencyCode }
      qrCodeUrl
      order { id status }
    }
    userErrors { code field message }
  }
}
`;

export const LiveStock = /* GraphQL */ `
subscription LiveStock($skuCodes: [String!]) {
  stockChanged(skuCodes: $skuCodes) {
    sku { code name product { name } }
    warehouse { code }
    onHand
    reserved
    available
    delta
    reason
    at
  }
}
`;

export const LiveOrders = /* GraphQL */ `
subscription LiveOrders($orderId: ID) {
  orderUpdated(orderId: $orderId) {
    order { id number status total { amount currencyCode } member { name } }
    previousStatus
    at
  }
}
`;

export const ReceiveStock = /* GraphQL */ `
mutation ReceiveStock($input: ReceiveStockInput!) {
  receiveStock(input: $input) {
    receipt { id reference lines { sku { code } quantity } }
    userErrors { code field message }
  }
}
`;

export const AdjustStock = /* GraphQL */ `
mutation AdjustStock($input: AdjustStockInput!) {
  adjustStock(input: $input) {
    level { onHand reserved available }
    userErrors { code field message }
  }
}
`;

export const ShipOrder = /* GraphQL */ `
mutation ShipOrder($input: ShipOrderInput!) {
  shipOrder(input: $input) {
    order { id status }
    userErrors { code field message }
  }
}
`;

// Not in the contract: the lists the staff screens start from.
export const StockLevelsOfSkus = /* GraphQL */ `
query StockLevelsOfSkus($skuCodes: [String!]!) {
  stockLevels(skuCodes: $skuCodes) {
    sku { code name product { name } }
    warehouse { code name }
    onHand
    reserved
    available
  }
}
`;

export const SkuCodesForDashboard = /* GraphQL */ `
query SkuCodesForDashboard($search: String, $first: Int) {
  products(filter: { search: $search }, first: $first) {
    edges { node { skus { code } } }
  }
}
`;

export const LowStock = /* GraphQL */ `
query LowStock {
  lowStockLevels {
    sku { code name product { name } }
    warehouse { code name }
    available
    reorderPoint
  }
}
`;

export const RecentOrders = /* GraphQL */ `
query RecentOrders($status: OrderStatus, $first: Int) {
  orders(filter: { status: $status }, first: $first) {
    edges { node { id number status createdAt total { amount currencyCode } member { name } } }
  }
}
`;

export const Warehouses = /* GraphQL */ `
query Warehouses {
  warehouses { id code name }
}
`;

export const Vehicles = /* GraphQL */ `
query Vehicles {
  vehicles { make model yearFrom yearTo }
}
`;
