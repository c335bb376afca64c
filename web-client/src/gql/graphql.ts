/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AddProductImageInput = {
  /** 1 to 300 characters describing the picture. */
  alt: string;
  /** The picture's bytes in standard base64. */
  data: string;
  productId: string | number;
};

export type AddressInput = {
  city: string;
  /** ISO 3166-1 alpha-2, such as CN. */
  country: string;
  line1: string;
  line2?: string | null | undefined;
  name: string;
  phone: string;
  postalCode: string;
};

export type AdjustStockInput = {
  /** Units to add (positive) or remove (negative); not zero. */
  delta: number;
  reason: string;
  skuCode: string;
  warehouseId: string | number;
};

export type CancelOrderInput = {
  orderId: string | number;
  reason: string;
};

export type CatalogueErrorCode =
  /** A brand, supplier or sibling category of that name exists. */
  | 'DUPLICATE_NAME'
  /** A SKU code is already used, or repeated within the input. */
  | 'DUPLICATE_SKU_CODE'
  /** The picture is wider or higher than PRODUCT_IMAGE_MAX_DIMENSION pixels. */
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  /** The bytes start as a PNG, JPEG or WebP but are cut short, corrupt, or followed by other bytes. */
  | 'IMAGE_MALFORMED'
  /** input.data is not standard base64 (A-Z, a-z, 0-9, + and /, with = padding; no data: URL prefix). */
  | 'IMAGE_NOT_BASE64'
  /** A reorder does not name each of the product's pictures exactly once. */
  | 'IMAGE_ORDER_MISMATCH'
  /** The picture has more bytes than PRODUCT_IMAGE_MAX_BYTES. */
  | 'IMAGE_TOO_LARGE'
  /** The bytes are not a PNG, JPEG or WebP image (an SVG, an HTML page, a GIF...), whatever they were called. */
  | 'IMAGE_TYPE_UNSUPPORTED'
  /** A price is malformed, negative, or in an unsupported currency. */
  | 'INVALID_PRICE'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  /** The product already has PRODUCT_IMAGES_PER_PRODUCT pictures. */
  | 'TOO_MANY_IMAGES'
  /** The catalogue keeps at most 500 synonym groups. */
  | 'TOO_MANY_SYNONYMS'
  | 'UNKNOWN_BRAND'
  | 'UNKNOWN_CATEGORY'
  /** The product has no picture with that id. */
  | 'UNKNOWN_IMAGE'
  | 'UNKNOWN_PRODUCT'
  | 'UNKNOWN_SKU'
  | 'UNKNOWN_SUPPLIER'
  /** The synonym group named does not exist. */
  | 'UNKNOWN_SYNONYMS';

export type CompleteOrderInput = {
  orderId: string | number;
};

export type CreateApiKeyInput = {
  /** Binds the key to a client's trusted documents: it may then run only those (by documentId or by their exact text). */
  documentsClient?: string | null | undefined;
  /** When the key stops working: in the future, at most two years ahead. Omitted: until revoked. */
  expiresAt?: string | null | undefined;
  /** 1 to 1,000,000,000. Omitted or null: the router's PARTNER_QUERY_COST_LIMITS entry for the key, else MAX_QUERY_COST. */
  maxQueryCost?: number | null | undefined;
  /** 1 to 1,000,000. Omitted or null: the router's SUBSCRIPTIONS_PER_CALLER. */
  maxSubscriptions?: number | null | undefined;
  name: string;
  /** 1 to 1,000,000. Omitted or null: the router's PARTNER_RATE_LIMIT_PER_MINUTE. */
  requestsPerMinute?: number | null | undefined;
  /** Scopes as staff roles grant them, such as catalogue:read or stock:read. */
  scopes: Array<string>;
};

export type CreateBrandInput = {
  country?: string | null | undefined;
  name: string;
};

export type CreateCategoryInput = {
  name: string;
  /** Omitted: a new top-level category. */
  parentId?: string | number | null | undefined;
};

export type CreatePaymentInput = {
  channel: PaymentChannel;
  /** Unique per caller for each payment attempt; a retry with the same key returns the same payment. */
  idempotencyKey: string;
  orderId: string | number;
};

export type CreateProductInput = {
  brandId: string | number;
  categoryId: string | number;
  description?: string | null | undefined;
  fitments?: Array<FitmentInput> | null | undefined;
  name: string;
  /** At least one. */
  skus: Array<SkuInput>;
  supplierId?: string | number | null | undefined;
  taxClass?: TaxClass | null | undefined;
};

export type CreatePurchaseOrderInput = {
  lines: Array<PurchaseOrderLineInput>;
  reference?: string | null | undefined;
  supplierId: string | number;
  warehouseId: string | number;
};

export type CreateSupplierInput = {
  email?: string | null | undefined;
  name: string;
  phone?: string | null | undefined;
};

export type CreateWarehouseInput = {
  active?: boolean | null | undefined;
  /** Unique: A-Z, 0-9 and dashes, such as SH-01. */
  code: string;
  name: string;
  priority?: number | null | undefined;
  region: string;
};

export type CreateWebhookInput = {
  name: string;
  /** A subscription document over the graph, one root field, whose fields the key's scopes allow. */
  query: string;
  /** https only (in production); never a private or loopback address. */
  url: string;
};

export type CrossReferenceInput = {
  brand: string;
  number: string;
};

export type DeleteWebhookInput = {
  id: string | number;
};

export type FitmentInput = {
  make: string;
  model: string;
  yearFrom: number;
  yearTo: number;
};

export type InvoiceBuyerInput = {
  email: string;
  name: string;
  /** Required for a company; optional for a person. */
  taxId?: string | null | undefined;
  /** Default: COMPANY when a tax id is given, PERSON otherwise. */
  type?: InvoiceBuyerType | null | undefined;
};

export type InvoiceBuyerType =
  /** A company: its tax id is the 18-character unified social credit code (or a legacy 15 or 20 character taxpayer number). */
  | 'COMPANY'
  /** A private person: the tax id is optional. */
  | 'PERSON';

export type InvoiceErrorCode =
  /** The invoice is not in a state that allows this (issuing twice, voiding a request). */
  | 'INVALID_STATE_TRANSITION'
  /** The tax id breaks the rules for the buyer type (a company's unified social credit code and its check character). */
  | 'INVALID_TAX_ID'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** The order already has an open request or an issued invoice; the message names it. */
  | 'INVOICE_EXISTS'
  /** The caller may not do this (members ask for their own orders' invoices only). */
  | 'NOT_ALLOWED'
  /** The order is not paid, shipped or completed, or is fully refunded. */
  | 'ORDER_NOT_INVOICEABLE'
  /** The orders or catalogue service did not answer; nothing was written. Retry. */
  | 'SERVICE_UNAVAILABLE'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  | 'UNKNOWN_INVOICE'
  /** No order with that id that you may invoice. */
  | 'UNKNOWN_ORDER';

export type InvoiceKind =
  /** A credit note (red-letter invoice): negative amounts that cancel all or part of an invoice. */
  | 'CREDIT_NOTE'
  /** A (blue-letter) invoice for an order. */
  | 'INVOICE';

export type InvoiceStatus =
  /** Numbered and fixed; never edited again. A credit note is ISSUED from the start. */
  | 'ISSUED'
  /** Refused by staff with a reason; the buyer may correct the details and request again. */
  | 'REJECTED'
  /** Asked for by the buyer; not a legal document yet (no number, no lines). */
  | 'REQUESTED'
  /** Cancelled in full by a credit note (voidInvoice, or refunds of the whole amount); see creditNote. */
  | 'VOIDED';

export type IssueCouponsInput = {
  /** The campaign's name, unique, such as "Gold November". */
  campaign: string;
  /** A fixed amount off; or discountPercent. */
  discountAmount?: MoneyInput | null | undefined;
  /** 1 to 100; or discountAmount. */
  discountPercent?: number | null | undefined;
  /** These members (at most 1000) get a coupon; or tier. */
  memberIds?: Array<string | number> | null | undefined;
  /** The smallest subtotal a coupon applies to (in the currency of discountAmount, if given). */
  minimumSpend?: MoneyInput | null | undefined;
  /** Every ACTIVE member of this tier (BASIC, SILVER, GOLD or PLATINUM) gets a coupon; or memberIds. */
  tier?: string | null | undefined;
  validFrom: string;
  /** After validFrom. */
  validUntil: string;
};

export type LoginInput = {
  email: string;
  password: string;
};

export type MemberErrorCode =
  /** The API key is revoked or expired: it cannot be rotated. */
  | 'API_KEY_INACTIVE'
  /** An account with that email exists. */
  | 'DUPLICATE_EMAIL'
  /** The same key (an order id) was used before for a different request. */
  | 'DUPLICATE_REQUEST'
  /** The member has fewer points than asked for. */
  | 'INSUFFICIENT_POINTS'
  /** No coupon with that code can be used here: unknown, someone else's, used, outside its window, below its minimum spend. */
  | 'INVALID_COUPON'
  /** The email and password do not match an active account. */
  | 'INVALID_CREDENTIALS'
  /** A trusted document does not validate against the API schema, or its id is not its SHA-256; nothing was published. */
  | 'INVALID_DOCUMENT'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** A webhook's query does not parse, does not validate against the API schema, or has not exactly one subscription root field. */
  | 'INVALID_WEBHOOK_QUERY'
  /** Too many failed logins for this account from this address (or from this address in all): wait the seconds the message names. */
  | 'LOGIN_THROTTLED'
  /** Only a partner API key manages webhooks. */
  | 'NOT_A_PARTNER_KEY'
  /** The thing named does not exist. */
  | 'NOT_FOUND'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  /** The key has as many webhooks as it may (WEBHOOKS_PER_KEY). */
  | 'TOO_MANY_WEBHOOKS'
  /** A webhook's query selects fields the key's scopes do not allow. */
  | 'WEBHOOK_QUERY_FORBIDDEN'
  /** The key is bound to a client's trusted documents and the webhook's query is not one of them. */
  | 'WEBHOOK_QUERY_NOT_PUBLISHED'
  /** A webhook's query is not a subscription. */
  | 'WEBHOOK_QUERY_NOT_SUBSCRIPTION'
  /** A webhook's query is longer than 4,000 characters. */
  | 'WEBHOOK_QUERY_TOO_LONG'
  /** A webhook URL is not an absolute URL, or carries credentials. */
  | 'WEBHOOK_URL_INVALID'
  /** A webhook URL is not https (required in production). */
  | 'WEBHOOK_URL_NOT_HTTPS'
  /** A webhook URL names or resolves to a private, loopback, link-local or reserved address. */
  | 'WEBHOOK_URL_PRIVATE_ADDRESS'
  /** A webhook URL is longer than 2,048 characters. */
  | 'WEBHOOK_URL_TOO_LONG'
  /** A webhook URL's host does not resolve. */
  | 'WEBHOOK_URL_UNRESOLVABLE';

export type MemberStatus =
  | 'ACTIVE'
  | 'SUSPENDED';

export type MoneyInput = {
  /** A decimal string with no more places than the currency has, such as "289.00". */
  amount: string;
  /** ISO 4217, such as CNY. */
  currencyCode: string;
};

export type MovementKind =
  /** A correction after a stock-take, with a reason. */
  | 'ADJUSTMENT'
  /** Reserved units shipped: they leave on-hand stock. */
  | 'COMMIT'
  /** Goods received from a supplier. */
  | 'RECEIPT'
  /** Reserved units given back (cancelled, expired). */
  | 'RELEASE'
  /** Units set aside for an order. */
  | 'RESERVE'
  /** Goods returned by a customer, back on hand. */
  | 'RETURN'
  | 'TRANSFER_IN'
  | 'TRANSFER_OUT';

export type OrderErrorCode =
  /** The idempotencyKey was used before for a different order. */
  | 'DUPLICATE_REQUEST'
  /** Not enough member points (or a guest, who has none). */
  | 'INSUFFICIENT_POINTS'
  /** Not enough stock; the message names the short SKUs. */
  | 'INSUFFICIENT_STOCK'
  /** No coupon with that code can be used here: unknown, someone else's, used already, outside its validity window, below its minimum spend, or a guest's. */
  | 'INVALID_COUPON'
  | 'INVALID_STATE_TRANSITION'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** The caller may not do this to this order. */
  | 'NOT_ALLOWED'
  /** The stock, catalogue or members service did not answer; nothing was reserved or charged. Retry with the same idempotencyKey. */
  | 'SERVICE_UNAVAILABLE'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  | 'UNKNOWN_ORDER'
  | 'UNKNOWN_SKU';

export type OrderFilter = {
  channel?: SalesChannel | null | undefined;
  /** Orders created at or after this instant. */
  from?: string | null | undefined;
  memberId?: string | number | null | undefined;
  status?: OrderStatus | null | undefined;
  /** Orders created before this instant. */
  to?: string | null | undefined;
};

export type OrderLineInput = {
  /** 1 to 999. */
  quantity: number;
  skuCode: string;
};

export type OrderPaymentStatus =
  | 'PAID'
  | 'PARTIALLY_REFUNDED'
  /** A payment is waiting for the customer or the provider. */
  | 'PENDING'
  | 'REFUNDED'
  /** No payment yet, or only closed ones. */
  | 'UNPAID';

export type OrderStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'PAID'
  /** Placed and stock reserved; waiting for payment until the reservation expires. */
  | 'PENDING_PAYMENT'
  | 'RETURNED'
  | 'RETURN_REQUESTED'
  | 'SHIPPED';

export type PaymentChannel =
  /** Alipay pre-create (QR code): the customer scans `qrCodeUrl` with Alipay. */
  | 'ALIPAY'
  /** The customer transfers the amount quoting `transferReference`; a bank statement settles it. */
  | 'BANK_TRANSFER'
  /** A cashier takes cash at a store; settled at once. */
  | 'CASH'
  /** WeChat Pay native (QR code): the customer scans `qrCodeUrl` with WeChat. */
  | 'WECHAT_PAY';

export type PaymentErrorCode =
  /** The channel cannot take this payment (currency, configuration). */
  | 'CHANNEL_UNAVAILABLE'
  /** The idempotencyKey was used before with a different input. */
  | 'DUPLICATE_REQUEST'
  /** The payment is not in a state that allows this (e.g. refunding an unpaid payment). */
  | 'INVALID_STATE_TRANSITION'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** The caller may not do this (e.g. CASH without payments:write). */
  | 'NOT_ALLOWED'
  /** The order is not waiting for payment (paid, cancelled, ...). */
  | 'ORDER_NOT_PAYABLE'
  /** The order already has a pending or paid payment; the message names it. */
  | 'PAYMENT_IN_PROGRESS'
  /** The payment provider refused the request; the message carries its answer. Nothing is pending. */
  | 'PROVIDER_REFUSED'
  /** The refund would take back more than was paid. */
  | 'REFUND_EXCEEDS_PAYMENT'
  /** The orders service or the payment provider did not answer; nothing was charged. Retry with the same idempotencyKey. */
  | 'SERVICE_UNAVAILABLE'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  /** No order with that id that you may pay. */
  | 'UNKNOWN_ORDER'
  | 'UNKNOWN_PAYMENT';

export type PaymentStatus =
  /** Never paid and no longer payable (its order was cancelled). */
  | 'CLOSED'
  /** Some of the amount has been refunded. */
  | 'PARTIALLY_REFUNDED'
  /** Waiting for the provider's signed callback (or the bank statement). */
  | 'PENDING'
  /** All of the amount has been refunded. */
  | 'REFUNDED'
  | 'SUCCEEDED';

export type PlaceOrderInput = {
  channel: SalesChannel;
  /** One of the member's coupons (Member.coupons); not for guests. */
  couponCode?: string | null | undefined;
  /** Unique per caller for each checkout; a retry with the same key returns the same order. */
  idempotencyKey: string;
  lines: Array<OrderLineInput>;
  /** A STORE sale to a known member. */
  memberId?: string | number | null | undefined;
  /**
   * Member points to redeem: each takes one minor unit off (100 points = 1.00 CNY
   * on a CNY order), at most the subtotal less the coupon (more is INVALID_VALUE).
   */
  pointsToRedeem?: number | null | undefined;
  /** Required for ONLINE orders. */
  shippingAddress?: AddressInput | null | undefined;
  /** Required for STORE sales: the store the goods leave from. */
  storeWarehouseId?: string | number | null | undefined;
};

export type PriceRangeInput = {
  /** Exclusive; omitted: no upper bound. */
  max?: string | null | undefined;
  /** Inclusive; omitted: no lower bound. */
  min?: string | null | undefined;
};

export type ProductFilter = {
  brandId?: string | number | null | undefined;
  /** This category and every category under it. */
  categoryId?: string | number | null | undefined;
  fitsVehicle?: VehicleInput | null | undefined;
  /** Include deactivated products (staff screens); default false. */
  includeInactive?: boolean | null | undefined;
  /** Words that must all appear in the name, description, brand, category, SKU codes or vehicles. */
  search?: string | null | undefined;
};

export type PurchaseOrderLineInput = {
  quantity: number;
  skuCode: string;
  unitCost: MoneyInput;
};

export type PurchaseOrderStatus =
  | 'CLOSED'
  | 'ORDERED'
  | 'PARTIALLY_RECEIVED'
  | 'RECEIVED';

export type ReceiptLineInput = {
  quantity: number;
  skuCode: string;
  /** Cost per unit; on a purchase order it defaults to the order's cost. */
  unitCost?: MoneyInput | null | undefined;
};

export type ReceiveReturnInput = {
  orderId: string | number;
};

export type ReceiveStockInput = {
  lines: Array<ReceiptLineInput>;
  purchaseOrderId?: string | number | null | undefined;
  /** The delivery note or purchase order number; unique per warehouse, so a repeated receipt is refused. */
  reference: string;
  supplierId?: string | number | null | undefined;
  warehouseId: string | number;
};

export type RefundPaymentInput = {
  /** In the payment's currency; at most what is left after earlier refunds. */
  amount: MoneyInput;
  /** Unique per caller for each refund; a retry with the same key returns the same refund. */
  idempotencyKey: string;
  paymentId: string | number;
  reason: string;
};

export type RefundStatus =
  /** The provider refused or gave up; the amount can be refunded again. */
  | 'FAILED'
  /** Sent to the provider; its signed refund callback completes it. */
  | 'PENDING'
  | 'SUCCEEDED';

export type RegisterMemberInput = {
  email: string;
  name: string;
  /** At least 12 characters. */
  password: string;
  phone?: string | null | undefined;
};

export type RemoveProductImageInput = {
  imageId: string | number;
  productId: string | number;
};

export type ReorderProductImagesInput = {
  /** Every picture id of the product, once each, in the new order. */
  imageIds: Array<string | number>;
  productId: string | number;
};

export type RequestInvoiceInput = {
  buyer: InvoiceBuyerInput;
  orderId: string | number;
};

export type RequestReturnInput = {
  lines: Array<ReturnLineInput>;
  orderId: string | number;
  reason: string;
};

export type ReturnLineInput = {
  quantity: number;
  skuCode: string;
};

export type ReturnStockInput = {
  lines: Array<StockLineInput>;
  reason?: string | null | undefined;
  /** The order or return the goods belong to. */
  reference: string;
  warehouseId: string | number;
};

export type RevokeApiKeyInput = {
  id: string | number;
};

export type RotateApiKeyInput = {
  id: string | number;
  /** How long the replaced secret keeps working, in seconds: 0 (not at all) to 2,592,000 (30 days). Default 86,400 (a day). */
  overlapSeconds?: number | null | undefined;
};

export type SalesChannel =
  /** The web shop: a member or a guest. */
  | 'ONLINE'
  /** A cashier at a store sells off the store's shelf to a walk-in customer or a member. */
  | 'STORE';

export type SearchSuggestionKind =
  | 'PRODUCT'
  | 'WORD';

export type SetReorderPointInput = {
  /** Null removes the reorder point. */
  reorderPoint?: number | null | undefined;
  skuCode: string;
  warehouseId: string | number;
};

export type SetSkuPartNumbersInput = {
  crossReferences?: Array<CrossReferenceInput> | null | undefined;
  /** Up to 40 characters; spaces and dashes as printed (search ignores them). */
  manufacturerPartNumber?: string | null | undefined;
  oeNumbers: Array<string>;
  skuCode: string;
};

export type SetSkuPriceInput = {
  code: string;
  price: MoneyInput;
};

export type ShipOrderInput = {
  carrier: string;
  orderId: string | number;
  trackingNumber: string;
};

export type SkuAttributeInput = {
  name: string;
  value: string;
};

export type SkuInput = {
  attributes?: Array<SkuAttributeInput> | null | undefined;
  /** Unique across the catalogue: A-Z, 0-9 and dashes, 2 to 40 characters. */
  code: string;
  name: string;
  price: MoneyInput;
};

export type StockErrorCode =
  /** A warehouse with that code exists. */
  | 'DUPLICATE_CODE'
  /** The reference was used before with different content. */
  | 'DUPLICATE_REQUEST'
  /** Not enough available stock; the message names the short SKUs. */
  | 'INSUFFICIENT_STOCK'
  | 'INVALID_STATE_TRANSITION'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** More received than the purchase order has outstanding. */
  | 'OVER_RECEIPT'
  | 'RESERVATION_EXPIRED'
  /** A transfer from a warehouse to itself. */
  | 'SAME_WAREHOUSE'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  | 'UNKNOWN_PURCHASE_ORDER'
  | 'UNKNOWN_RESERVATION'
  | 'UNKNOWN_SKU'
  /** No supplier with that id in the catalogue. */
  | 'UNKNOWN_SUPPLIER'
  | 'UNKNOWN_WAREHOUSE'
  | 'WAREHOUSE_INACTIVE';

export type StockLineInput = {
  /** At least 1. */
  quantity: number;
  skuCode: string;
};

export type TaxClass =
  | 'EXEMPT'
  | 'REDUCED'
  | 'STANDARD';

export type TransferStockInput = {
  fromWarehouseId: string | number;
  lines: Array<StockLineInput>;
  reference: string;
  toWarehouseId: string | number;
};

export type UpdateApiKeyLimitsInput = {
  id: string | number;
  /** 1 to 1,000,000,000; null: the router's default; left out: unchanged. */
  maxQueryCost?: number | null | undefined;
  /** 1 to 1,000,000; null: the router's default; left out: unchanged. */
  maxSubscriptions?: number | null | undefined;
  /** 1 to 1,000,000; null: the router's default; left out: unchanged. */
  requestsPerMinute?: number | null | undefined;
};

/** Omitted fields keep their value. `fitments`, when given, replaces the list. */
export type UpdateProductInput = {
  active?: boolean | null | undefined;
  brandId?: string | number | null | undefined;
  categoryId?: string | number | null | undefined;
  description?: string | null | undefined;
  fitments?: Array<FitmentInput> | null | undefined;
  id: string | number;
  name?: string | null | undefined;
  supplierId?: string | number | null | undefined;
  taxClass?: TaxClass | null | undefined;
};

export type UpdateWarehouseInput = {
  active?: boolean | null | undefined;
  id: string | number;
  name?: string | null | undefined;
  priority?: number | null | undefined;
  region?: string | null | undefined;
};

export type UpdateWebhookInput = {
  /** false disables the webhook; true enables it again. */
  enabled?: boolean | null | undefined;
  id: string | number;
  name?: string | null | undefined;
  query?: string | null | undefined;
  url?: string | null | undefined;
};

export type VehicleInput = {
  make: string;
  model: string;
  /** A model year; omitted, any year matches. */
  year?: number | null | undefined;
};

export type ProductDetailsQueryVariables = Exact<{
  id: string | number;
}>;


export type ProductDetailsQuery = { __typename: 'Query', product: { __typename: 'Product', id: string, name: string, description: string | null, images: Array<{ __typename: 'ProductImage', id: string, url: string, alt: string, width: number, height: number }>, brand: { __typename: 'Brand', id: string, name: string }, category: { __typename: 'Category', id: string, name: string, path: string }, fitments: Array<{ __typename: 'Fitment', make: string, model: string, yearFrom: number, yearTo: number }>, skus: Array<{ __typename: 'Sku', code: string, name: string, attributes: Array<{ __typename: 'SkuAttribute', name: string, value: string }>, price: { __typename: 'Money', amount: string, currencyCode: string }, stock: { __typename: 'SkuStock', available: number, levels: Array<{ __typename: 'StockLevel', onHand: number, reserved: number, available: number, warehouse: { __typename: 'Warehouse', id: string, code: string, name: string } }> } }> } | null };

export type SignInMutationVariables = Exact<{
  input: LoginInput;
}>;


export type SignInMutation = { __typename: 'Mutation', login: { __typename: 'LoginPayload', token: string | null, expiresAt: string | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type RegisterCustomerMutationVariables = Exact<{
  input: RegisterMemberInput;
}>;


export type RegisterCustomerMutation = { __typename: 'Mutation', registerMember: { __typename: 'RegisterMemberPayload', member: { __typename: 'Member', id: string, name: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type AccountMeQueryVariables = Exact<{ [key: string]: never; }>;


export type AccountMeQuery = { __typename: 'Query', me: { __typename: 'Member', id: string, name: string, email: string | null, points: number, tier: { __typename: 'Tier', name: string } } | null };

export type AccountOrdersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type AccountOrdersQuery = { __typename: 'Query', me: { __typename: 'Member', id: string, orders: { __typename: 'OrderConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'OrderEdge', node: { __typename: 'Order', id: string, number: string, status: OrderStatus, createdAt: string, total: { __typename: 'Money', amount: string, currencyCode: string }, lines: Array<{ __typename: 'OrderLine', quantity: number, returnedQuantity: number, sku: { __typename: 'Sku', code: string, name: string } }>, history: Array<{ __typename: 'OrderHistoryEntry', status: OrderStatus, at: string, note: string | null }>, invoices: Array<{ __typename: 'Invoice', id: string, kind: InvoiceKind, number: string | null, status: InvoiceStatus, requestedAt: string, issuedAt: string | null, rejectionReason: string | null }> } }> } | null } | null };

export type AccountPointsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type AccountPointsQuery = { __typename: 'Query', me: { __typename: 'Member', id: string, pointsLedger: { __typename: 'PointsLedgerConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'PointsLedgerEdge', node: { __typename: 'PointsEntry', id: string, delta: number, reason: string, createdAt: string, expiresAt: string | null } }> } | null } | null };

export type AccountCouponsQueryVariables = Exact<{ [key: string]: never; }>;


export type AccountCouponsQuery = { __typename: 'Query', me: { __typename: 'Member', id: string, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> } | null };

export type AccountRequestInvoiceMutationVariables = Exact<{
  input: RequestInvoiceInput;
}>;


export type AccountRequestInvoiceMutation = { __typename: 'Mutation', requestInvoice: { __typename: 'InvoicePayload', invoice: { __typename: 'Invoice', id: string, status: InvoiceStatus } | null, userErrors: Array<{ __typename: 'InvoiceUserError', code: InvoiceErrorCode, field: string | null, message: string }> } };

export type AccountInvoicePdfQueryVariables = Exact<{
  id: string | number;
}>;


export type AccountInvoicePdfQuery = { __typename: 'Query', invoice: { __typename: 'Invoice', id: string, number: string | null, pdfUrl: string | null } | null };

export type AccountRequestReturnMutationVariables = Exact<{
  input: RequestReturnInput;
}>;


export type AccountRequestReturnMutation = { __typename: 'Mutation', requestReturn: { __typename: 'OrderPayload', order: { __typename: 'Order', id: string, status: OrderStatus } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BackOfficeApiKeyFieldsFragment = { __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null };

export type BackOfficeApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type BackOfficeApiKeysQuery = { __typename: 'Query', apiKeys: Array<{ __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null }> };

export type BackOfficeCreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type BackOfficeCreateApiKeyMutation = { __typename: 'Mutation', createApiKey: { __typename: 'CreateApiKeyPayload', secret: string | null, apiKey: { __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeRotateApiKeyMutationVariables = Exact<{
  input: RotateApiKeyInput;
}>;


export type BackOfficeRotateApiKeyMutation = { __typename: 'Mutation', rotateApiKey: { __typename: 'RotateApiKeyPayload', secret: string | null, apiKey: { __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeRevokeApiKeyMutationVariables = Exact<{
  input: RevokeApiKeyInput;
}>;


export type BackOfficeRevokeApiKeyMutation = { __typename: 'Mutation', revokeApiKey: { __typename: 'RevokeApiKeyPayload', apiKey: { __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeUpdateApiKeyLimitsMutationVariables = Exact<{
  input: UpdateApiKeyLimitsInput;
}>;


export type BackOfficeUpdateApiKeyLimitsMutation = { __typename: 'Mutation', updateApiKeyLimits: { __typename: 'UpdateApiKeyLimitsPayload', apiKey: { __typename: 'ApiKey', id: string, name: string, prefix: string, scopes: Array<string>, createdAt: string, revokedAt: string | null, lastUsedAt: string | null, requestCount: number, documentsClient: string | null, expiresAt: string | null, rotatedAt: string | null, previousSecretExpiresAt: string | null, requestsPerMinute: number | null, maxQueryCost: number | null, maxSubscriptions: number | null } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeWebhookFieldsFragment = { __typename: 'Webhook', id: string, name: string, url: string, query: string, status: string, disabledReason: string | null, createdAt: string };

export type BackOfficeWebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type BackOfficeWebhooksQuery = { __typename: 'Query', webhooks: Array<{ __typename: 'Webhook', id: string, name: string, url: string, query: string, status: string, disabledReason: string | null, createdAt: string }> };

export type BackOfficeCreateWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type BackOfficeCreateWebhookMutation = { __typename: 'Mutation', createWebhook: { __typename: 'CreateWebhookPayload', secret: string | null, webhook: { __typename: 'Webhook', id: string, name: string, url: string, query: string, status: string, disabledReason: string | null, createdAt: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeUpdateWebhookMutationVariables = Exact<{
  input: UpdateWebhookInput;
}>;


export type BackOfficeUpdateWebhookMutation = { __typename: 'Mutation', updateWebhook: { __typename: 'WebhookPayload', webhook: { __typename: 'Webhook', id: string, name: string, url: string, query: string, status: string, disabledReason: string | null, createdAt: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeDeleteWebhookMutationVariables = Exact<{
  input: DeleteWebhookInput;
}>;


export type BackOfficeDeleteWebhookMutation = { __typename: 'Mutation', deleteWebhook: { __typename: 'WebhookPayload', webhook: { __typename: 'Webhook', id: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeWebhookDeliveriesQueryVariables = Exact<{
  webhookId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type BackOfficeWebhookDeliveriesQuery = { __typename: 'Query', webhookDeliveries: { __typename: 'WebhookDeliveryConnection', pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'WebhookDeliveryEdge', node: { __typename: 'WebhookDelivery', id: string, status: string, createdAt: string, nextAttemptAt: string | null, attempts: Array<{ __typename: 'WebhookAttempt', at: string, status: string, responseCode: number | null, error: string | null }> } }> } | null };

export type BackOfficeRedeliverWebhookMutationVariables = Exact<{
  deliveryId: string | number;
}>;


export type BackOfficeRedeliverWebhookMutation = { __typename: 'Mutation', redeliverWebhook: { __typename: 'RedeliverWebhookPayload', delivery: { __typename: 'WebhookDelivery', id: string, status: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type CatalogueProductsQueryVariables = Exact<{
  search?: string | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type CatalogueProductsQuery = { __typename: 'Query', products: { __typename: 'ProductConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'ProductEdge', node: { __typename: 'Product', id: string, name: string, active: boolean, brand: { __typename: 'Brand', id: string, name: string }, category: { __typename: 'Category', id: string, path: string }, skus: Array<{ __typename: 'Sku', code: string, price: { __typename: 'Money', amount: string, currencyCode: string } }> } }> } };

export type CatalogueProductQueryVariables = Exact<{
  id: string | number;
}>;


export type CatalogueProductQuery = { __typename: 'Query', product: { __typename: 'Product', id: string, name: string, description: string | null, active: boolean, taxClass: TaxClass, brand: { __typename: 'Brand', id: string }, category: { __typename: 'Category', id: string }, supplier: { __typename: 'Supplier', id: string } | null, skus: Array<{ __typename: 'Sku', code: string, name: string, manufacturerPartNumber: string | null, oeNumbers: Array<string>, price: { __typename: 'Money', amount: string, currencyCode: string }, crossReferences: Array<{ __typename: 'CrossReference', brand: string, number: string }> }>, images: Array<{ __typename: 'ProductImage', id: string, url: string, alt: string, width: number, height: number }> } | null };

export type CatalogueReferenceQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogueReferenceQuery = { __typename: 'Query', brands: Array<{ __typename: 'Brand', id: string, name: string, country: string | null }>, categories: Array<{ __typename: 'Category', id: string, path: string, children: Array<{ __typename: 'Category', id: string, path: string, children: Array<{ __typename: 'Category', id: string, path: string }> }> }>, suppliers: Array<{ __typename: 'Supplier', id: string, name: string, email: string | null, phone: string | null }> };

export type CatalogueCreateProductMutationVariables = Exact<{
  input: CreateProductInput;
}>;


export type CatalogueCreateProductMutation = { __typename: 'Mutation', createProduct: { __typename: 'CreateProductPayload', product: { __typename: 'Product', id: string, name: string } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueUpdateProductMutationVariables = Exact<{
  input: UpdateProductInput;
}>;


export type CatalogueUpdateProductMutation = { __typename: 'Mutation', updateProduct: { __typename: 'UpdateProductPayload', product: { __typename: 'Product', id: string, name: string, description: string | null, active: boolean, taxClass: TaxClass, brand: { __typename: 'Brand', id: string }, category: { __typename: 'Category', id: string }, supplier: { __typename: 'Supplier', id: string } | null } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueSetSkuPriceMutationVariables = Exact<{
  input: SetSkuPriceInput;
}>;


export type CatalogueSetSkuPriceMutation = { __typename: 'Mutation', setSkuPrice: { __typename: 'SetSkuPricePayload', sku: { __typename: 'Sku', code: string, price: { __typename: 'Money', amount: string, currencyCode: string } } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueSetSkuPartNumbersMutationVariables = Exact<{
  input: SetSkuPartNumbersInput;
}>;


export type CatalogueSetSkuPartNumbersMutation = { __typename: 'Mutation', setSkuPartNumbers: { __typename: 'SetSkuPartNumbersPayload', sku: { __typename: 'Sku', code: string, manufacturerPartNumber: string | null, oeNumbers: Array<string>, crossReferences: Array<{ __typename: 'CrossReference', brand: string, number: string }> } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueAddImageMutationVariables = Exact<{
  input: AddProductImageInput;
}>;


export type CatalogueAddImageMutation = { __typename: 'Mutation', addProductImage: { __typename: 'AddProductImagePayload', product: { __typename: 'Product', id: string, images: Array<{ __typename: 'ProductImage', id: string, url: string, alt: string, width: number, height: number }> } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueRemoveImageMutationVariables = Exact<{
  input: RemoveProductImageInput;
}>;


export type CatalogueRemoveImageMutation = { __typename: 'Mutation', removeProductImage: { __typename: 'RemoveProductImagePayload', product: { __typename: 'Product', id: string, images: Array<{ __typename: 'ProductImage', id: string, url: string, alt: string, width: number, height: number }> } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueReorderImagesMutationVariables = Exact<{
  input: ReorderProductImagesInput;
}>;


export type CatalogueReorderImagesMutation = { __typename: 'Mutation', reorderProductImages: { __typename: 'ReorderProductImagesPayload', product: { __typename: 'Product', id: string, images: Array<{ __typename: 'ProductImage', id: string, url: string, alt: string, width: number, height: number }> } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueCreateBrandMutationVariables = Exact<{
  input: CreateBrandInput;
}>;


export type CatalogueCreateBrandMutation = { __typename: 'Mutation', createBrand: { __typename: 'CreateBrandPayload', brand: { __typename: 'Brand', id: string, name: string } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueCreateCategoryMutationVariables = Exact<{
  input: CreateCategoryInput;
}>;


export type CatalogueCreateCategoryMutation = { __typename: 'Mutation', createCategory: { __typename: 'CreateCategoryPayload', category: { __typename: 'Category', id: string, path: string } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type CatalogueCreateSupplierMutationVariables = Exact<{
  input: CreateSupplierInput;
}>;


export type CatalogueCreateSupplierMutation = { __typename: 'Mutation', createSupplier: { __typename: 'CreateSupplierPayload', supplier: { __typename: 'Supplier', id: string, name: string } | null, userErrors: Array<{ __typename: 'CatalogueUserError', code: CatalogueErrorCode, field: string | null, message: string }> } };

export type BackOfficeMemberFieldsFragment = { __typename: 'Member', id: string, name: string, status: MemberStatus, createdAt: string, points: number, tier: { __typename: 'Tier', name: string, pointsMultiplier: string }, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> };

export type BackOfficeMembersByPhoneQueryVariables = Exact<{
  phone: string;
}>;


export type BackOfficeMembersByPhoneQuery = { __typename: 'Query', membersByPhone: Array<{ __typename: 'Member', id: string, name: string, status: MemberStatus, createdAt: string, points: number, tier: { __typename: 'Tier', name: string, pointsMultiplier: string }, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> }> };

export type BackOfficeMemberQueryVariables = Exact<{
  id: string | number;
}>;


export type BackOfficeMemberQuery = { __typename: 'Query', member: { __typename: 'Member', id: string, name: string, status: MemberStatus, createdAt: string, points: number, tier: { __typename: 'Tier', name: string, pointsMultiplier: string }, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> } | null };

export type BackOfficeMemberReportQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type BackOfficeMemberReportQuery = { __typename: 'Query', memberReport: { __typename: 'MemberReport', newMembersPerDay: Array<{ __typename: 'NewMembersOnDay', day: string, count: number }>, tierDistribution: Array<{ __typename: 'TierCount', members: number, tier: { __typename: 'Tier', name: string, pointsMultiplier: string, minimumSpend: { __typename: 'Money', amount: string, currencyCode: string } } }>, pointsLiability: { __typename: 'PointsLiability', points: number, members: number, value: { __typename: 'Money', amount: string, currencyCode: string } } } };

export type BackOfficeIssueCouponsMutationVariables = Exact<{
  input: IssueCouponsInput;
}>;


export type BackOfficeIssueCouponsMutation = { __typename: 'Mutation', issueCoupons: { __typename: 'IssueCouponsPayload', issued: number, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type BackOfficeOrdersQueryVariables = Exact<{
  filter?: OrderFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type BackOfficeOrdersQuery = { __typename: 'Query', orders: { __typename: 'OrderConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'OrderEdge', node: { __typename: 'Order', id: string, number: string, status: OrderStatus, channel: SalesChannel, createdAt: string, total: { __typename: 'Money', amount: string, currencyCode: string }, member: { __typename: 'Member', id: string, name: string } | null } }> } };

export type BackOfficeOrderQueryVariables = Exact<{
  id: string | number;
}>;


export type BackOfficeOrderQuery = { __typename: 'Query', order: { __typename: 'Order', id: string, number: string, status: OrderStatus, channel: SalesChannel, createdAt: string, carrier: string | null, trackingNumber: string | null, paymentStatus: OrderPaymentStatus, member: { __typename: 'Member', id: string, name: string } | null, subtotal: { __typename: 'Money', amount: string, currencyCode: string }, discount: { __typename: 'Money', amount: string, currencyCode: string }, total: { __typename: 'Money', amount: string, currencyCode: string }, refunded: { __typename: 'Money', amount: string, currencyCode: string }, lines: Array<{ __typename: 'OrderLine', quantity: number, returnedQuantity: number, sku: { __typename: 'Sku', code: string, name: string }, unitPrice: { __typename: 'Money', amount: string, currencyCode: string }, lineTotal: { __typename: 'Money', amount: string, currencyCode: string } }>, payments: Array<{ __typename: 'Payment', id: string, channel: PaymentChannel, status: PaymentStatus, amount: { __typename: 'Money', amount: string, currencyCode: string }, refundedAmount: { __typename: 'Money', amount: string, currencyCode: string }, refunds: Array<{ __typename: 'Refund', id: string, status: RefundStatus, reason: string, createdAt: string, amount: { __typename: 'Money', amount: string, currencyCode: string } }> }>, history: Array<{ __typename: 'OrderHistoryEntry', status: OrderStatus, at: string, note: string | null, actor: string | null }> } | null };

export type BackOfficeShipOrderMutationVariables = Exact<{
  input: ShipOrderInput;
}>;


export type BackOfficeShipOrderMutation = { __typename: 'Mutation', shipOrder: { __typename: 'OrderPayload', order: { __typename: 'Order', id: string, status: OrderStatus, carrier: string | null, trackingNumber: string | null } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BackOfficeCompleteOrderMutationVariables = Exact<{
  input: CompleteOrderInput;
}>;


export type BackOfficeCompleteOrderMutation = { __typename: 'Mutation', completeOrder: { __typename: 'OrderPayload', order: { __typename: 'Order', id: string, status: OrderStatus } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BackOfficeCancelOrderMutationVariables = Exact<{
  input: CancelOrderInput;
}>;


export type BackOfficeCancelOrderMutation = { __typename: 'Mutation', cancelOrder: { __typename: 'OrderPayload', order: { __typename: 'Order', id: string, status: OrderStatus } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BackOfficeReceiveReturnMutationVariables = Exact<{
  input: ReceiveReturnInput;
}>;


export type BackOfficeReceiveReturnMutation = { __typename: 'Mutation', receiveReturn: { __typename: 'OrderPayload', order: { __typename: 'Order', id: string, status: OrderStatus } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BackOfficeRefundPaymentMutationVariables = Exact<{
  input: RefundPaymentInput;
}>;


export type BackOfficeRefundPaymentMutation = { __typename: 'Mutation', refundPayment: { __typename: 'RefundPaymentPayload', refund: { __typename: 'Refund', id: string, status: RefundStatus } | null, payment: { __typename: 'Payment', id: string, status: PaymentStatus } | null, userErrors: Array<{ __typename: 'PaymentUserError', code: PaymentErrorCode, field: string | null, message: string }> } };

export type StockWarehousesQueryVariables = Exact<{ [key: string]: never; }>;


export type StockWarehousesQuery = { __typename: 'Query', warehouses: Array<{ __typename: 'Warehouse', id: string, code: string, name: string, region: string, priority: number, active: boolean }> };

export type StockCreateWarehouseMutationVariables = Exact<{
  input: CreateWarehouseInput;
}>;


export type StockCreateWarehouseMutation = { __typename: 'Mutation', createWarehouse: { __typename: 'CreateWarehousePayload', warehouse: { __typename: 'Warehouse', id: string, code: string, name: string, region: string, priority: number, active: boolean } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockUpdateWarehouseMutationVariables = Exact<{
  input: UpdateWarehouseInput;
}>;


export type StockUpdateWarehouseMutation = { __typename: 'Mutation', updateWarehouse: { __typename: 'UpdateWarehousePayload', warehouse: { __typename: 'Warehouse', id: string, code: string, name: string, region: string, priority: number, active: boolean } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockSuppliersQueryVariables = Exact<{ [key: string]: never; }>;


export type StockSuppliersQuery = { __typename: 'Query', suppliers: Array<{ __typename: 'Supplier', id: string, name: string }> };

export type StockPurchaseOrdersQueryVariables = Exact<{
  status?: PurchaseOrderStatus | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type StockPurchaseOrdersQuery = { __typename: 'Query', purchaseOrders: { __typename: 'PurchaseOrderConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'PurchaseOrderEdge', node: { __typename: 'PurchaseOrder', id: string, reference: string, supplierId: string, status: PurchaseOrderStatus, createdAt: string, warehouse: { __typename: 'Warehouse', id: string, code: string }, total: { __typename: 'Money', amount: string, currencyCode: string }, lines: Array<{ __typename: 'PurchaseOrderLine', quantityOrdered: number, quantityReceived: number, sku: { __typename: 'Sku', code: string }, unitCost: { __typename: 'Money', amount: string, currencyCode: string } }> } }> } };

export type StockCreatePurchaseOrderMutationVariables = Exact<{
  input: CreatePurchaseOrderInput;
}>;


export type StockCreatePurchaseOrderMutation = { __typename: 'Mutation', createPurchaseOrder: { __typename: 'PurchaseOrderPayload', purchaseOrder: { __typename: 'PurchaseOrder', id: string, reference: string, status: PurchaseOrderStatus } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockReceiveMutationVariables = Exact<{
  input: ReceiveStockInput;
}>;


export type StockReceiveMutation = { __typename: 'Mutation', receiveStock: { __typename: 'ReceiveStockPayload', receipt: { __typename: 'Receipt', id: string, reference: string, warehouse: { __typename: 'Warehouse', id: string, code: string }, purchaseOrder: { __typename: 'PurchaseOrder', id: string, status: PurchaseOrderStatus } | null, lines: Array<{ __typename: 'ReceiptLine', quantity: number, sku: { __typename: 'Sku', code: string } }> } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockTransferMutationVariables = Exact<{
  input: TransferStockInput;
}>;


export type StockTransferMutation = { __typename: 'Mutation', transferStock: { __typename: 'TransferStockPayload', transfer: { __typename: 'Transfer', reference: string, from: { __typename: 'Warehouse', code: string }, to: { __typename: 'Warehouse', code: string }, lines: Array<{ __typename: 'TransferLine', quantity: number, sku: { __typename: 'Sku', code: string } }> } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockAdjustMutationVariables = Exact<{
  input: AdjustStockInput;
}>;


export type StockAdjustMutation = { __typename: 'Mutation', adjustStock: { __typename: 'AdjustStockPayload', level: { __typename: 'StockLevel', onHand: number, reserved: number, available: number, sku: { __typename: 'Sku', code: string }, warehouse: { __typename: 'Warehouse', code: string } } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockReturnMutationVariables = Exact<{
  input: ReturnStockInput;
}>;


export type StockReturnMutation = { __typename: 'Mutation', returnStock: { __typename: 'ReturnStockPayload', levels: Array<{ __typename: 'StockLevel', onHand: number, available: number, sku: { __typename: 'Sku', code: string }, warehouse: { __typename: 'Warehouse', code: string } }> | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockSetReorderPointMutationVariables = Exact<{
  input: SetReorderPointInput;
}>;


export type StockSetReorderPointMutation = { __typename: 'Mutation', setReorderPoint: { __typename: 'SetReorderPointPayload', level: { __typename: 'StockLevel', available: number, reorderPoint: number | null, lowStock: boolean, sku: { __typename: 'Sku', code: string }, warehouse: { __typename: 'Warehouse', code: string } } | null, userErrors: Array<{ __typename: 'StockUserError', code: StockErrorCode, field: string | null, message: string }> } };

export type StockMovementsQueryVariables = Exact<{
  skuCode: string;
  warehouseId?: string | number | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type StockMovementsQuery = { __typename: 'Query', stockMovements: { __typename: 'StockMovementConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'StockMovementEdge', node: { __typename: 'StockMovement', id: string, kind: MovementKind, quantity: number, onHandDelta: number, reservedDelta: number, reference: string | null, reason: string | null, actor: string | null, createdAt: string, warehouse: { __typename: 'Warehouse', code: string } } }> } };

export type StockReconciliationReportQueryVariables = Exact<{ [key: string]: never; }>;


export type StockReconciliationReportQuery = { __typename: 'Query', stockReconciliation: { __typename: 'StockReconciliation', checkedLevels: number, discrepancies: Array<{ __typename: 'StockDiscrepancy', onHand: number, ledgerOnHand: number, reserved: number, ledgerReserved: number, sku: { __typename: 'Sku', code: string }, warehouse: { __typename: 'Warehouse', code: string } }> } };

export type BasketPlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type BasketPlaceOrderMutation = { __typename: 'Mutation', placeOrder: { __typename: 'PlaceOrderPayload', order: { __typename: 'Order', id: string, number: string, status: OrderStatus, reservationExpiresAt: string | null, total: { __typename: 'Money', amount: string, currencyCode: string } } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type BasketCreatePaymentMutationVariables = Exact<{
  input: CreatePaymentInput;
}>;


export type BasketCreatePaymentMutation = { __typename: 'Mutation', createPayment: { __typename: 'CreatePaymentPayload', payment: { __typename: 'Payment', id: string, status: PaymentStatus, qrCodeUrl: string | null } | null, userErrors: Array<{ __typename: 'PaymentUserError', code: PaymentErrorCode, field: string | null, message: string }> } };

export type BasketMemberQueryVariables = Exact<{ [key: string]: never; }>;


export type BasketMemberQuery = { __typename: 'Query', me: { __typename: 'Member', id: string, points: number, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> } | null };

export type BasketOrderQueryVariables = Exact<{
  id: string | number;
}>;


export type BasketOrderQuery = { __typename: 'Query', order: { __typename: 'Order', id: string, status: OrderStatus, discount: { __typename: 'Money', amount: string, currencyCode: string }, total: { __typename: 'Money', amount: string, currencyCode: string } } | null };

export type DashboardSkuPageQueryVariables = Exact<{
  search?: string | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type DashboardSkuPageQuery = { __typename: 'Query', products: { __typename: 'ProductConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'ProductEdge', node: { __typename: 'Product', id: string, skus: Array<{ __typename: 'Sku', code: string }> } }> } };

export type DashboardStockLevelsQueryVariables = Exact<{
  skuCodes: Array<string> | string;
}>;


export type DashboardStockLevelsQuery = { __typename: 'Query', stockLevels: Array<{ __typename: 'StockLevel', onHand: number, reserved: number, available: number, reorderPoint: number | null, sku: { __typename: 'Sku', code: string, name: string, product: { __typename: 'Product', id: string, name: string } }, warehouse: { __typename: 'Warehouse', id: string, code: string, name: string } }> };

export type DashboardHeadlineQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardHeadlineQuery = { __typename: 'Query', lowStockLevels: Array<{ __typename: 'StockLevel', available: number, reserved: number, reorderPoint: number | null, sku: { __typename: 'Sku', code: string }, warehouse: { __typename: 'Warehouse', id: string, code: string } }>, stockValuation: { __typename: 'StockValuation', uncostedLevels: number, lines: Array<{ __typename: 'StockValuationLine', units: number, warehouse: { __typename: 'Warehouse', id: string, code: string, name: string }, value: { __typename: 'Money', amount: string, currencyCode: string } }> } };

export type DashboardStockChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardStockChangedSubscription = { stockChanged: { __typename: 'StockChange', onHand: number | null, reserved: number | null, available: number, delta: number, kind: MovementKind, reason: string | null, at: string, sku: { __typename: 'Sku', code: string, name: string }, warehouse: { __typename: 'Warehouse', id: string, code: string } } };

export type DashboardRecentOrdersQueryVariables = Exact<{
  from: string;
  first: number;
}>;


export type DashboardRecentOrdersQuery = { __typename: 'Query', orders: { __typename: 'OrderConnection', totalCount: number, edges: Array<{ __typename: 'OrderEdge', node: { __typename: 'Order', id: string, number: string, status: OrderStatus, channel: SalesChannel, createdAt: string, total: { __typename: 'Money', amount: string, currencyCode: string } } }> } };

export type DashboardOrderFragment = { __typename: 'Order', id: string, number: string, status: OrderStatus, channel: SalesChannel, createdAt: string, total: { __typename: 'Money', amount: string, currencyCode: string } };

export type DashboardOrderUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardOrderUpdatedSubscription = { orderUpdated: { __typename: 'OrderUpdate', previousStatus: OrderStatus | null, at: string, order: { __typename: 'Order', id: string, number: string, status: OrderStatus, channel: SalesChannel, createdAt: string, total: { __typename: 'Money', amount: string, currencyCode: string } } } };

export type RegisterWarehousesQueryVariables = Exact<{ [key: string]: never; }>;


export type RegisterWarehousesQuery = { __typename: 'Query', warehouses: Array<{ __typename: 'Warehouse', id: string, code: string, name: string }> };

export type RegisterSkuQueryVariables = Exact<{
  code: string;
}>;


export type RegisterSkuQuery = { __typename: 'Query', sku: { __typename: 'Sku', code: string, name: string, price: { __typename: 'Money', amount: string, currencyCode: string }, product: { __typename: 'Product', id: string, name: string } } | null };

export type RegisterMembersByPhoneQueryVariables = Exact<{
  phone: string;
}>;


export type RegisterMembersByPhoneQuery = { __typename: 'Query', membersByPhone: Array<{ __typename: 'Member', id: string, name: string, points: number, tier: { __typename: 'Tier', name: string }, coupons: Array<{ __typename: 'Coupon', code: string, description: string, redeemed: boolean, validUntil: string }> }> };

export type RegisterPlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type RegisterPlaceOrderMutation = { __typename: 'Mutation', placeOrder: { __typename: 'PlaceOrderPayload', order: { __typename: 'Order', id: string, number: string, status: OrderStatus } | null, userErrors: Array<{ __typename: 'OrderUserError', code: OrderErrorCode, field: string | null, message: string }> } };

export type RegisterCreatePaymentMutationVariables = Exact<{
  input: CreatePaymentInput;
}>;


export type RegisterCreatePaymentMutation = { __typename: 'Mutation', createPayment: { __typename: 'CreatePaymentPayload', payment: { __typename: 'Payment', id: string, channel: PaymentChannel, status: PaymentStatus, qrCodeUrl: string | null } | null, userErrors: Array<{ __typename: 'PaymentUserError', code: PaymentErrorCode, field: string | null, message: string }> } };

export type RegisterOrderQueryVariables = Exact<{
  id: string | number;
}>;


export type RegisterOrderQuery = { __typename: 'Query', order: { __typename: 'Order', id: string, number: string, status: OrderStatus, createdAt: string, storeWarehouseId: string | null, couponCode: string | null, pointsRedeemed: number, member: { __typename: 'Member', id: string, name: string } | null, lines: Array<{ __typename: 'OrderLine', quantity: number, sku: { __typename: 'Sku', code: string, name: string }, unitPrice: { __typename: 'Money', amount: string, currencyCode: string }, lineTotal: { __typename: 'Money', amount: string, currencyCode: string } }>, subtotal: { __typename: 'Money', amount: string, currencyCode: string }, discount: { __typename: 'Money', amount: string, currencyCode: string }, total: { __typename: 'Money', amount: string, currencyCode: string } } | null };

export type StoreVehiclesQueryVariables = Exact<{ [key: string]: never; }>;


export type StoreVehiclesQuery = { __typename: 'Query', vehicles: Array<{ __typename: 'Vehicle', make: string, model: string, yearFrom: number, yearTo: number }> };

export type StoreSuggestionsQueryVariables = Exact<{
  prefix: string;
}>;


export type StoreSuggestionsQuery = { __typename: 'Query', searchSuggestions: Array<{ __typename: 'SearchSuggestion', text: string, kind: SearchSuggestionKind }> };

export type StoreProductFragment = { __typename: 'Product', id: string, name: string, brand: { __typename: 'Brand', id: string, name: string }, category: { __typename: 'Category', id: string, name: string }, skus: Array<{ __typename: 'Sku', code: string, name: string, price: { __typename: 'Money', amount: string, currencyCode: string }, stock: { __typename: 'SkuStock', available: number } }> };

export type StoreBrowseQueryVariables = Exact<{
  filter?: ProductFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type StoreBrowseQuery = { __typename: 'Query', products: { __typename: 'ProductConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'ProductEdge', cursor: string, node: { __typename: 'Product', id: string, name: string, brand: { __typename: 'Brand', id: string, name: string }, category: { __typename: 'Category', id: string, name: string }, skus: Array<{ __typename: 'Sku', code: string, name: string, price: { __typename: 'Money', amount: string, currencyCode: string }, stock: { __typename: 'SkuStock', available: number } }> } }> } };

export type StoreSearchQueryVariables = Exact<{
  query: string;
  filter?: ProductFilter | null | undefined;
  price?: PriceRangeInput | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type StoreSearchQuery = { __typename: 'Query', productSearch: { __typename: 'ProductSearchResult', totalCount: number, truncated: boolean, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename: 'ProductSearchEdge', cursor: string, node: { __typename: 'Product', id: string, name: string, brand: { __typename: 'Brand', id: string, name: string }, category: { __typename: 'Category', id: string, name: string }, skus: Array<{ __typename: 'Sku', code: string, name: string, price: { __typename: 'Money', amount: string, currencyCode: string }, stock: { __typename: 'SkuStock', available: number } }> } }>, facets: { __typename: 'ProductFacets', resultKey: string, brands: Array<{ __typename: 'BrandFacet', count: number, brand: { __typename: 'Brand', id: string, name: string } }>, categories: Array<{ __typename: 'CategoryFacet', count: number, category: { __typename: 'Category', id: string, name: string } }>, priceRanges: Array<{ __typename: 'PriceRangeFacet', label: string, min: string | null, max: string | null, count: number }>, inStock: { __typename: 'InStockFacet', inStock: number, outOfStock: number } } } };

export const BackOfficeApiKeyFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeApiKeyFieldsFragment, unknown>;
export const BackOfficeWebhookFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeWebhookFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Webhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"query"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BackOfficeWebhookFieldsFragment, unknown>;
export const BackOfficeMemberFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeMemberFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Member"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pointsMultiplier"}}]}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]} as unknown as DocumentNode<BackOfficeMemberFieldsFragment, unknown>;
export const DashboardOrderFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]} as unknown as DocumentNode<DashboardOrderFragment, unknown>;
export const StoreProductFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StoreProduct"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]}}]} as unknown as DocumentNode<StoreProductFragment, unknown>;
export const ProductDetailsDocument = {"__meta__":{"hash":"sha256:45b3a5ad6c50d262e05b96a9ca18f5b062f14e1f6b8a056639d70d3bc1892ba8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProductDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}},{"kind":"Field","name":{"kind":"Name","value":"fitments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"make"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"yearFrom"}},{"kind":"Field","name":{"kind":"Name","value":"yearTo"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"attributes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"levels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ProductDetailsQuery, ProductDetailsQueryVariables>;
export const SignInDocument = {"__meta__":{"hash":"sha256:02dc3b4406326992bbee10160dd90abcacac31fc3c0cf605e5a6cbe18ebe0483"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const RegisterCustomerDocument = {"__meta__":{"hash":"sha256:c97ee4ceba4a75d690c320ab7cea17b7419583bd55f3607d9f1643f1a8a46ebe"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterMemberInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"registerMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterCustomerMutation, RegisterCustomerMutationVariables>;
export const AccountMeDocument = {"__meta__":{"hash":"sha256:bf87ebf0d989ad7f83d3ce87e310d39843aa5d115bb4d0bce0695eb765d7b829"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"points"}}]}}]}}]} as unknown as DocumentNode<AccountMeQuery, AccountMeQueryVariables>;
export const AccountOrdersDocument = {"__meta__":{"hash":"sha256:ad4316395d4704c1d4f543d8d2a608abb38d55a95b84c59f68f683ef800c4f52"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"returnedQuantity"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rejectionReason"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountOrdersQuery, AccountOrdersQueryVariables>;
export const AccountPointsDocument = {"__meta__":{"hash":"sha256:95151c007ab7b440c1d6353e9cfd91e209f5430dd038be50e84934df9ef39b88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountPoints"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"pointsLedger"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"delta"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountPointsQuery, AccountPointsQueryVariables>;
export const AccountCouponsDocument = {"__meta__":{"hash":"sha256:5db44b90610fa0692a7d4036936e1205504c2a1c7b6ed4440c17018b31fc2f72"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountCoupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]}}]} as unknown as DocumentNode<AccountCouponsQuery, AccountCouponsQueryVariables>;
export const AccountRequestInvoiceDocument = {"__meta__":{"hash":"sha256:2c609c52063ddd0dd44be248a9d36fbf769b232c56182062ea9ada9edc4cdabb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AccountRequestInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestInvoiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"requestInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AccountRequestInvoiceMutation, AccountRequestInvoiceMutationVariables>;
export const AccountInvoicePdfDocument = {"__meta__":{"hash":"sha256:c2f1ded93760e51a8a3838e55b73c8e83a4c112620ddacf19b3e84410e8cb5b0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountInvoicePdf"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"pdfUrl"}}]}}]}}]} as unknown as DocumentNode<AccountInvoicePdfQuery, AccountInvoicePdfQueryVariables>;
export const AccountRequestReturnDocument = {"__meta__":{"hash":"sha256:9cbac0394f5b03cb03c42d7f5c72ad9009a10aa553adb6a27d6603db26c167c4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AccountRequestReturn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestReturnInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"requestReturn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AccountRequestReturnMutation, AccountRequestReturnMutationVariables>;
export const BackOfficeApiKeysDocument = {"__meta__":{"hash":"sha256:dc0b18e3820d3205e8f31dc75333f5d40403ada028d82920e6d4dadf2e24d678"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeApiKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeApiKeysQuery, BackOfficeApiKeysQueryVariables>;
export const BackOfficeCreateApiKeyDocument = {"__meta__":{"hash":"sha256:a56f6737f7a9cb7dca041ecfa8e5c1490779ae829140cf1a9c907329256499cc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeCreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeApiKeyFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeCreateApiKeyMutation, BackOfficeCreateApiKeyMutationVariables>;
export const BackOfficeRotateApiKeyDocument = {"__meta__":{"hash":"sha256:62e35aaa88dfb951a8c4b06c1f3be07b70794e4df69113bb75466cd4c23f4f11"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeRotateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RotateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"rotateApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeApiKeyFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeRotateApiKeyMutation, BackOfficeRotateApiKeyMutationVariables>;
export const BackOfficeRevokeApiKeyDocument = {"__meta__":{"hash":"sha256:4a5c345543eec584d13df1e6f80d86bdf55a9d22ca717545884a7ac73fb6f4e1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeRevokeApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RevokeApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"revokeApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeApiKeyFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeRevokeApiKeyMutation, BackOfficeRevokeApiKeyMutationVariables>;
export const BackOfficeUpdateApiKeyLimitsDocument = {"__meta__":{"hash":"sha256:a5cd5d91bf59b60333bb60dc290902387c82ef60bf1b5d2a1794fc32e80bfc91"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeUpdateApiKeyLimits"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateApiKeyLimitsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"updateApiKeyLimits"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeApiKeyFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"documentsClient"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"rotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueryCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxSubscriptions"}}]}}]} as unknown as DocumentNode<BackOfficeUpdateApiKeyLimitsMutation, BackOfficeUpdateApiKeyLimitsMutationVariables>;
export const BackOfficeWebhooksDocument = {"__meta__":{"hash":"sha256:d583f6d0d829bbe56c638ed71ca20c584d764b00d1258890a9b4b7b26b7afdcf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeWebhooks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"webhooks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeWebhookFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeWebhookFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Webhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"query"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BackOfficeWebhooksQuery, BackOfficeWebhooksQueryVariables>;
export const BackOfficeCreateWebhookDocument = {"__meta__":{"hash":"sha256:0b075e76dbbe676a1ea81114624430ff8e42cfa588134b9d9f94bec608af4e02"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeCreateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeWebhookFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeWebhookFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Webhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"query"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BackOfficeCreateWebhookMutation, BackOfficeCreateWebhookMutationVariables>;
export const BackOfficeUpdateWebhookDocument = {"__meta__":{"hash":"sha256:48ad6a56d467996530d1876e0c1ce3e2e2850ec6f60d7b10f06936a2e2de78c3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeUpdateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"updateWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeWebhookFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeWebhookFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Webhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"query"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"disabledReason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<BackOfficeUpdateWebhookMutation, BackOfficeUpdateWebhookMutationVariables>;
export const BackOfficeDeleteWebhookDocument = {"__meta__":{"hash":"sha256:833d8a1d7795352a992e5ebf3cc47e5fc10ecc2a7b63cde8bade3e12513278c8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeDeleteWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"deleteWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeDeleteWebhookMutation, BackOfficeDeleteWebhookMutationVariables>;
export const BackOfficeWebhookDeliveriesDocument = {"__meta__":{"hash":"sha256:960b7473de95e4eb634cb95f42e0440cede9e760e7c6d8c551dfce5bc2beb944"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeWebhookDeliveries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"webhookId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"webhookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"webhookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeWebhookDeliveriesQuery, BackOfficeWebhookDeliveriesQueryVariables>;
export const BackOfficeRedeliverWebhookDocument = {"__meta__":{"hash":"sha256:1c9e774bb5b59adfc74cdb9f7234ed5b46b3d432872fb9f7104ebd4d03b147c1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeRedeliverWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deliveryId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"redeliverWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deliveryId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deliveryId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"delivery"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeRedeliverWebhookMutation, BackOfficeRedeliverWebhookMutationVariables>;
export const CatalogueProductsDocument = {"__meta__":{"hash":"sha256:b88ae70538299b427f6a704fdf6e16f75b87a69dff93ba22b53b2a238457a090"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CatalogueProducts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"includeInactive"},"value":{"kind":"BooleanValue","value":true}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueProductsQuery, CatalogueProductsQueryVariables>;
export const CatalogueProductDocument = {"__meta__":{"hash":"sha256:8c0d1e15a08ce78e4f136849c120c0c02f208ed2acfc0fc2357553d83d119696"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CatalogueProduct"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"taxClass"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"supplier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"manufacturerPartNumber"}},{"kind":"Field","name":{"kind":"Name","value":"oeNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"crossReferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueProductQuery, CatalogueProductQueryVariables>;
export const CatalogueReferenceDocument = {"__meta__":{"hash":"sha256:1b76885cb352c56557587625d4e345159fdf66b89400cb27344917607c7bb389"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CatalogueReference"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"brands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}},{"kind":"Field","name":{"kind":"Name","value":"categories"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"suppliers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}}]}}]}}]} as unknown as DocumentNode<CatalogueReferenceQuery, CatalogueReferenceQueryVariables>;
export const CatalogueCreateProductDocument = {"__meta__":{"hash":"sha256:3bf68ec7e4fb72d6ca68f63e171a7f6251468b0eaeffd5218331bcad665049af"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueCreateProduct"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateProductInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createProduct"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueCreateProductMutation, CatalogueCreateProductMutationVariables>;
export const CatalogueUpdateProductDocument = {"__meta__":{"hash":"sha256:ae3b22e7ceb82086b43ac2dad1b8b31a3500f7cb98a81e580e6073bdefa0c8a4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueUpdateProduct"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateProductInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"updateProduct"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"taxClass"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"supplier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueUpdateProductMutation, CatalogueUpdateProductMutationVariables>;
export const CatalogueSetSkuPriceDocument = {"__meta__":{"hash":"sha256:babc6aa2679ae26be78e176b1f410f55c7219b437ecf95a1b8ce98a2ac28b01a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueSetSkuPrice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetSkuPriceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"setSkuPrice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueSetSkuPriceMutation, CatalogueSetSkuPriceMutationVariables>;
export const CatalogueSetSkuPartNumbersDocument = {"__meta__":{"hash":"sha256:a71622570e3b5e44d7f9fcbc99b8fad9f237e6048ae2acefe56aead5ba40f16b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueSetSkuPartNumbers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetSkuPartNumbersInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"setSkuPartNumbers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturerPartNumber"}},{"kind":"Field","name":{"kind":"Name","value":"oeNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"crossReferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueSetSkuPartNumbersMutation, CatalogueSetSkuPartNumbersMutationVariables>;
export const CatalogueAddImageDocument = {"__meta__":{"hash":"sha256:ef64985fff2c028eb07c77f7b9fddee24a8fd90a4d7c42c6291b56d5cd959037"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueAddImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddProductImageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"addProductImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueAddImageMutation, CatalogueAddImageMutationVariables>;
export const CatalogueRemoveImageDocument = {"__meta__":{"hash":"sha256:ad0c24ac35fafbd7b5680663f2d2a3e711269bba27416c7e2ea9b2385dd46076"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueRemoveImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RemoveProductImageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"removeProductImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueRemoveImageMutation, CatalogueRemoveImageMutationVariables>;
export const CatalogueReorderImagesDocument = {"__meta__":{"hash":"sha256:918198b333d194da40a3b8b2aba1b1a57e64ff4486087c3eff254abb2cf47397"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueReorderImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReorderProductImagesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reorderProductImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueReorderImagesMutation, CatalogueReorderImagesMutationVariables>;
export const CatalogueCreateBrandDocument = {"__meta__":{"hash":"sha256:054cc303b1c57f8368adf264ee11372765c0be9165bcc24bf2f09a5ec303a22d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueCreateBrand"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateBrandInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createBrand"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueCreateBrandMutation, CatalogueCreateBrandMutationVariables>;
export const CatalogueCreateCategoryDocument = {"__meta__":{"hash":"sha256:a15325a39f38c7aa02b48228b395f80534aedeae856d43c2b2eff81c2a9ee02a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueCreateCategory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCategoryInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createCategory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueCreateCategoryMutation, CatalogueCreateCategoryMutationVariables>;
export const CatalogueCreateSupplierDocument = {"__meta__":{"hash":"sha256:25a6d3d383520c19372b7902867adbe7591d384426fba88b9c0e835f995fa46f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CatalogueCreateSupplier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSupplierInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createSupplier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"supplier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueCreateSupplierMutation, CatalogueCreateSupplierMutationVariables>;
export const BackOfficeMembersByPhoneDocument = {"__meta__":{"hash":"sha256:ebe18cc8dcefb34dcff8e9f5039dc7e8f75cdde45e5f8e08183d11a543da5735"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeMembersByPhone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"membersByPhone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeMemberFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeMemberFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Member"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pointsMultiplier"}}]}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]} as unknown as DocumentNode<BackOfficeMembersByPhoneQuery, BackOfficeMembersByPhoneQueryVariables>;
export const BackOfficeMemberDocument = {"__meta__":{"hash":"sha256:c02b607d7323c23dca124fbe2c06734d511ba096c290363bea4d346c3886ae74"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"member"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackOfficeMemberFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackOfficeMemberFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Member"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pointsMultiplier"}}]}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]} as unknown as DocumentNode<BackOfficeMemberQuery, BackOfficeMemberQueryVariables>;
export const BackOfficeMemberReportDocument = {"__meta__":{"hash":"sha256:3bc2f333caf79982ee4cb0c3e22cf5d3a250c167e43e0c6e960ce49bd57d5206"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeMemberReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"memberReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"newMembersPerDay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tierDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"members"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pointsMultiplier"}},{"kind":"Field","name":{"kind":"Name","value":"minimumSpend"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pointsLiability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"members"}},{"kind":"Field","name":{"kind":"Name","value":"value"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeMemberReportQuery, BackOfficeMemberReportQueryVariables>;
export const BackOfficeIssueCouponsDocument = {"__meta__":{"hash":"sha256:be7de5753a13ca38708574e56b8fbbcad084c7e0f105b89024a9ebf3f714e923"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeIssueCoupons"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IssueCouponsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"issueCoupons"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"issued"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeIssueCouponsMutation, BackOfficeIssueCouponsMutationVariables>;
export const BackOfficeOrdersDocument = {"__meta__":{"hash":"sha256:80f70c456d3ba99baf34bfba2bd1faa7777fe36abe57807b97ec2445b0bf25d9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"OrderFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeOrdersQuery, BackOfficeOrdersQueryVariables>;
export const BackOfficeOrderDocument = {"__meta__":{"hash":"sha256:7d187961a32d7f89bdf71e5a1e3f7fbb9b378d301034e588c9cdbfa2b6e8942b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackOfficeOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}},{"kind":"Field","name":{"kind":"Name","value":"paymentStatus"}},{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"discount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"refunded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"returnedQuantity"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lineTotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"refundedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"refunds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeOrderQuery, BackOfficeOrderQueryVariables>;
export const BackOfficeShipOrderDocument = {"__meta__":{"hash":"sha256:08153da51d88d8a0e81e0af80c66a7c1c2295c7ec334cd81c2ba7f8203e3585e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeShipOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ShipOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"shipOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"carrier"}},{"kind":"Field","name":{"kind":"Name","value":"trackingNumber"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeShipOrderMutation, BackOfficeShipOrderMutationVariables>;
export const BackOfficeCompleteOrderDocument = {"__meta__":{"hash":"sha256:422058853e352c68dbf52acd3bf646881450e1d07619fb4135a828ecdfd13e8f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeCompleteOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CompleteOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"completeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeCompleteOrderMutation, BackOfficeCompleteOrderMutationVariables>;
export const BackOfficeCancelOrderDocument = {"__meta__":{"hash":"sha256:e56e907fae353c691bf5abd06e4feacddc4ff6e66a91f60c7b2d0cb250d01761"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeCancelOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CancelOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cancelOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeCancelOrderMutation, BackOfficeCancelOrderMutationVariables>;
export const BackOfficeReceiveReturnDocument = {"__meta__":{"hash":"sha256:3528612c53fdf8da04f99e9db0f5e99acec510d8508e0196e503849b07796cd2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeReceiveReturn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReceiveReturnInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"receiveReturn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeReceiveReturnMutation, BackOfficeReceiveReturnMutationVariables>;
export const BackOfficeRefundPaymentDocument = {"__meta__":{"hash":"sha256:ab5ec906dd79978f96f5adae431e40871715e60cb7c1e257f57b944ef6b5585f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackOfficeRefundPayment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RefundPaymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"refundPayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BackOfficeRefundPaymentMutation, BackOfficeRefundPaymentMutationVariables>;
export const StockWarehousesDocument = {"__meta__":{"hash":"sha256:1e9b267a622e2225d126bf8a24bac348e60e714f3402f43073f06010aa22b3b8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StockWarehouses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeInactive"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}}]}}]} as unknown as DocumentNode<StockWarehousesQuery, StockWarehousesQueryVariables>;
export const StockCreateWarehouseDocument = {"__meta__":{"hash":"sha256:8a3b7ce4ae405354ba1313e727bcea439065e859679bb03de867e8767fbfcb05"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockCreateWarehouse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWarehouseInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createWarehouse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockCreateWarehouseMutation, StockCreateWarehouseMutationVariables>;
export const StockUpdateWarehouseDocument = {"__meta__":{"hash":"sha256:999911274a2485cf85a1e3981ecea43719d5efbe9848da4ab7743c4a560b3929"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockUpdateWarehouse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateWarehouseInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"updateWarehouse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockUpdateWarehouseMutation, StockUpdateWarehouseMutationVariables>;
export const StockSuppliersDocument = {"__meta__":{"hash":"sha256:002dfa1a8c5d2550d3956d4b65ecbb53c8ae3cdb7d88c211517ad462f472ff64"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StockSuppliers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"suppliers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<StockSuppliersQuery, StockSuppliersQueryVariables>;
export const StockPurchaseOrdersDocument = {"__meta__":{"hash":"sha256:f30e82e0a7d3c9aa645bf1c766ca568bdc1107fe911541c175a1986db02e4be9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StockPurchaseOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PurchaseOrderStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseOrders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"supplierId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantityOrdered"}},{"kind":"Field","name":{"kind":"Name","value":"quantityReceived"}},{"kind":"Field","name":{"kind":"Name","value":"unitCost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<StockPurchaseOrdersQuery, StockPurchaseOrdersQueryVariables>;
export const StockCreatePurchaseOrderDocument = {"__meta__":{"hash":"sha256:b3c9d6e88969a304e4829d9f100985dfc45e066d2c705a4395cedfe93cb55ac3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockCreatePurchaseOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePurchaseOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createPurchaseOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"purchaseOrder"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockCreatePurchaseOrderMutation, StockCreatePurchaseOrderMutationVariables>;
export const StockReceiveDocument = {"__meta__":{"hash":"sha256:b733171772237b29e5b36c420f67a60ee5d404588405062dae20e64ac30e9f0c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockReceive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReceiveStockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"receiveStock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"purchaseOrder"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockReceiveMutation, StockReceiveMutationVariables>;
export const StockTransferDocument = {"__meta__":{"hash":"sha256:9c313f4ed75ef4d0348a1ba8062fcaa0d55fcc4989c1abf2bf9dfb02a79dd72e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockTransfer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransferStockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"transferStock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"transfer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"to"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockTransferMutation, StockTransferMutationVariables>;
export const StockAdjustDocument = {"__meta__":{"hash":"sha256:c3b1d5a1846cc9739f4015c8b46b31b454ec8fe6592de614bae627595de8f44e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockAdjust"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AdjustStockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"adjustStock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"level"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockAdjustMutation, StockAdjustMutationVariables>;
export const StockReturnDocument = {"__meta__":{"hash":"sha256:f0a1dfa08b7215637da4558f3a9db897b1dec1bdf8167934181225a84b10c886"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockReturn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReturnStockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"returnStock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"levels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockReturnMutation, StockReturnMutationVariables>;
export const StockSetReorderPointDocument = {"__meta__":{"hash":"sha256:43ea028e271f74f563bd04143cfe489c8f5b26a544038137071b4f4774fa2de5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StockSetReorderPoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetReorderPointInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"setReorderPoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"level"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"reorderPoint"}},{"kind":"Field","name":{"kind":"Name","value":"lowStock"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StockSetReorderPointMutation, StockSetReorderPointMutationVariables>;
export const StockMovementsDocument = {"__meta__":{"hash":"sha256:2e077bb49e22895bc60d4101ce38e4dc602ceace6363109a6e26c6767c99ccd0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StockMovements"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"skuCode"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"warehouseId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"stockMovements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"skuCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"skuCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"warehouseId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"warehouseId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"onHandDelta"}},{"kind":"Field","name":{"kind":"Name","value":"reservedDelta"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<StockMovementsQuery, StockMovementsQueryVariables>;
export const StockReconciliationReportDocument = {"__meta__":{"hash":"sha256:9ce7b428a19a98714884427efcab29230775870e5fe4f4f9ee18680ab4396850"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StockReconciliationReport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"stockReconciliation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"checkedLevels"}},{"kind":"Field","name":{"kind":"Name","value":"discrepancies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"ledgerOnHand"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"ledgerReserved"}}]}}]}}]}}]} as unknown as DocumentNode<StockReconciliationReportQuery, StockReconciliationReportQueryVariables>;
export const BasketPlaceOrderDocument = {"__meta__":{"hash":"sha256:9389ec79b52ca2c9eb3bda438921f493874b9e533364fcb070b718571f8c643a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BasketPlaceOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"placeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservationExpiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BasketPlaceOrderMutation, BasketPlaceOrderMutationVariables>;
export const BasketCreatePaymentDocument = {"__meta__":{"hash":"sha256:304e58b75e91f2b53aae440625d30c762aa3825570e5e7d09f01d5be105cf0b0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BasketCreatePayment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePaymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createPayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"qrCodeUrl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BasketCreatePaymentMutation, BasketCreatePaymentMutationVariables>;
export const BasketMemberDocument = {"__meta__":{"hash":"sha256:df9c709c03878984459418bf6607a950e0239d69825cba8ef7e9a53ce2ec1fb8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BasketMember"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]}}]} as unknown as DocumentNode<BasketMemberQuery, BasketMemberQueryVariables>;
export const BasketOrderDocument = {"__meta__":{"hash":"sha256:6ceaa3c234f38aedefabaf0baccf0df869e96e785932dd4aaee0bc1129e3c4b7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BasketOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"discount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]} as unknown as DocumentNode<BasketOrderQuery, BasketOrderQueryVariables>;
export const DashboardSkuPageDocument = {"__meta__":{"hash":"sha256:93d0a22fc01a3130427000973f1c8ec781c5ae32baec09f45aeff64b2b6587f3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardSkuPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSkuPageQuery, DashboardSkuPageQueryVariables>;
export const DashboardStockLevelsDocument = {"__meta__":{"hash":"sha256:2d8c0c2116641dcb2aa619bd2db43fedfe5cf1f49a6038042e185143431d4ce3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardStockLevels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"skuCodes"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"stockLevels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"skuCodes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"skuCodes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"reorderPoint"}}]}}]}}]} as unknown as DocumentNode<DashboardStockLevelsQuery, DashboardStockLevelsQueryVariables>;
export const DashboardHeadlineDocument = {"__meta__":{"hash":"sha256:1ade0411e899c54c9754a000f14d2e8a2f1263ed652dba1571aa80e54937a03b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardHeadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"lowStockLevels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"reorderPoint"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stockValuation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"units"}},{"kind":"Field","name":{"kind":"Name","value":"value"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"uncostedLevels"}}]}}]}}]} as unknown as DocumentNode<DashboardHeadlineQuery, DashboardHeadlineQueryVariables>;
export const DashboardStockChangedDocument = {"__meta__":{"hash":"sha256:d81b617f5f31c743fbad4a9f0b3bbd98be8b1c489ac71b695313490a3f75f52a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardStockChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stockChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warehouse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"onHand"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"delta"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<DashboardStockChangedSubscription, DashboardStockChangedSubscriptionVariables>;
export const DashboardRecentOrdersDocument = {"__meta__":{"hash":"sha256:097b0957f6af638604cab27af4471eb1fa075704dfb3c248dc98a91577b23fb6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardRecentOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardOrder"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]} as unknown as DocumentNode<DashboardRecentOrdersQuery, DashboardRecentOrdersQueryVariables>;
export const DashboardOrderUpdatedDocument = {"__meta__":{"hash":"sha256:2c4d6750bbaac8aa4587b91873b516289dd34e97d462e682343a2b3d840686b4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardOrderUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardOrder"}}]}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardOrder"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Order"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]} as unknown as DocumentNode<DashboardOrderUpdatedSubscription, DashboardOrderUpdatedSubscriptionVariables>;
export const RegisterWarehousesDocument = {"__meta__":{"hash":"sha256:5e5e369b6014d665a21ab1b56ba7f195aa0e2921b9f5e2df8636580730cae595"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegisterWarehouses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"warehouses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<RegisterWarehousesQuery, RegisterWarehousesQueryVariables>;
export const RegisterSkuDocument = {"__meta__":{"hash":"sha256:ad8c848baddc17b61da289bf1d994ecb2e6a84b5b9f0deaed45fb713d5758c3c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegisterSku"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterSkuQuery, RegisterSkuQueryVariables>;
export const RegisterMembersByPhoneDocument = {"__meta__":{"hash":"sha256:5e740dd982ddcc714d028e7b5b0153a536d96f535858317b2ac6e5b33b9e3176"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegisterMembersByPhone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"membersByPhone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tier"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"coupons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"redeemed"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterMembersByPhoneQuery, RegisterMembersByPhoneQueryVariables>;
export const RegisterPlaceOrderDocument = {"__meta__":{"hash":"sha256:9fa5f5223a9ed85f8164f883778914d82e8215ec43f4c6ad5d372e4b21a8a64c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterPlaceOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"placeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterPlaceOrderMutation, RegisterPlaceOrderMutationVariables>;
export const RegisterCreatePaymentDocument = {"__meta__":{"hash":"sha256:189af013877bf9da4dadad1cb5974dac6218b1f267189e2a72063c88687095e9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterCreatePayment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePaymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"createPayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"qrCodeUrl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterCreatePaymentMutation, RegisterCreatePaymentMutationVariables>;
export const RegisterOrderDocument = {"__meta__":{"hash":"sha256:63472e4560b4d881741d6ad8b36aeabb459f63087c4a9c3bc18cdd63cb31b7dc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegisterOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"storeWarehouseId"}},{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sku"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lineTotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"discount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"couponCode"}},{"kind":"Field","name":{"kind":"Name","value":"pointsRedeemed"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterOrderQuery, RegisterOrderQueryVariables>;
export const StoreVehiclesDocument = {"__meta__":{"hash":"sha256:20c7acb79a87560738b1f159fdbc71977c504769d26b4b5fe098291cedd04a2c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StoreVehicles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"vehicles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"make"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"yearFrom"}},{"kind":"Field","name":{"kind":"Name","value":"yearTo"}}]}}]}}]} as unknown as DocumentNode<StoreVehiclesQuery, StoreVehiclesQueryVariables>;
export const StoreSuggestionsDocument = {"__meta__":{"hash":"sha256:d175cbc0c6f4892849e75958bb57e274cb2f47dd092f6011257518fdadfd7453"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StoreSuggestions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"searchSuggestions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<StoreSuggestionsQuery, StoreSuggestionsQueryVariables>;
export const StoreBrowseDocument = {"__meta__":{"hash":"sha256:20de649c4cb409142d6d61314dc2ce776ff27ed531624648121be5d393b05de4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StoreBrowse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ProductFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"StoreProduct"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StoreProduct"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]}}]} as unknown as DocumentNode<StoreBrowseQuery, StoreBrowseQueryVariables>;
export const StoreSearchDocument = {"__meta__":{"hash":"sha256:7ed33e031b774830d5fa035b629ebf77e7d1bbd5005386f32f1cb5f90bbe23ba"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StoreSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"query"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ProductFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"price"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PriceRangeInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"productSearch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"query"},"value":{"kind":"Variable","name":{"kind":"Name","value":"query"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"price"},"value":{"kind":"Variable","name":{"kind":"Name","value":"price"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"facetLimit"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"StoreProduct"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"resultKey"}},{"kind":"Field","name":{"kind":"Name","value":"brands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"categories"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"priceRanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"inStock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"inStock"}},{"kind":"Field","name":{"kind":"Name","value":"outOfStock"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StoreProduct"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Product"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"brand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currencyCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]}}]} as unknown as DocumentNode<StoreSearchQuery, StoreSearchQueryVariables>;