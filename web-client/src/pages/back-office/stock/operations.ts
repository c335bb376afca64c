import { graphql } from '../../../gql/index.ts';

// The stock section's operations (issue 22): a stock clerk's work, each mutation with its userErrors.

export const StockWarehouses = graphql(`
  query StockWarehouses {
    warehouses(includeInactive: true) {
      id
      code
      name
      region
      priority
      active
    }
  }
`);

export const StockCreateWarehouse = graphql(`
  mutation StockCreateWarehouse($input: CreateWarehouseInput!) {
    createWarehouse(input: $input) {
      warehouse {
        id
        code
        name
        region
        priority
        active
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockUpdateWarehouse = graphql(`
  mutation StockUpdateWarehouse($input: UpdateWarehouseInput!) {
    updateWarehouse(input: $input) {
      warehouse {
        id
        code
        name
        region
        priority
        active
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockSuppliers = graphql(`
  query StockSuppliers {
    suppliers {
      id
      name
    }
  }
`);

export const StockPurchaseOrders = graphql(`
  query StockPurchaseOrders($status: PurchaseOrderStatus, $first: Int!, $after: String) {
    purchaseOrders(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          reference
          supplierId
          status
          createdAt
          warehouse {
            id
            code
          }
          total {
            amount
            currencyCode
          }
          lines {
            sku {
              code
            }
            quantityOrdered
            quantityReceived
            unitCost {
              amount
              currencyCode
            }
          }
        }
      }
    }
  }
`);

export const StockCreatePurchaseOrder = graphql(`
  mutation StockCreatePurchaseOrder($input: CreatePurchaseOrderInput!) {
    createPurchaseOrder(input: $input) {
      purchaseOrder {
        id
        reference
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockReceive = graphql(`
  mutation StockReceive($input: ReceiveStockInput!) {
    receiveStock(input: $input) {
      receipt {
        id
        reference
        warehouse {
          id
          code
        }
        purchaseOrder {
          id
          status
        }
        lines {
          sku {
            code
          }
          quantity
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockTransfer = graphql(`
  mutation StockTransfer($input: TransferStockInput!) {
    transferStock(input: $input) {
      transfer {
        reference
        from {
          code
        }
        to {
          code
        }
        lines {
          sku {
            code
          }
          quantity
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockAdjust = graphql(`
  mutation StockAdjust($input: AdjustStockInput!) {
    adjustStock(input: $input) {
      level {
        onHand
        reserved
        available
        sku {
          code
        }
        warehouse {
          code
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockReturn = graphql(`
  mutation StockReturn($input: ReturnStockInput!) {
    returnStock(input: $input) {
      levels {
        onHand
        available
        sku {
          code
        }
        warehouse {
          code
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockSetReorderPoint = graphql(`
  mutation StockSetReorderPoint($input: SetReorderPointInput!) {
    setReorderPoint(input: $input) {
      level {
        available
        reorderPoint
        lowStock
        sku {
          code
        }
        warehouse {
          code
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const StockMovements = graphql(`
  query StockMovements($skuCode: String!, $warehouseId: ID, $first: Int!, $after: String) {
    stockMovements(skuCode: $skuCode, warehouseId: $warehouseId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          quantity
          onHandDelta
          reservedDelta
          reference
          reason
          actor
          createdAt
          warehouse {
            code
          }
        }
      }
    }
  }
`);

export const StockReconciliationReport = graphql(`
  query StockReconciliationReport {
    stockReconciliation {
      checkedLevels
      discrepancies {
        sku {
          code
        }
        warehouse {
          code
        }
        onHand
        ledgerOnHand
        reserved
        ledgerReserved
      }
    }
  }
`);
