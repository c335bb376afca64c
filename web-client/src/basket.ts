// The basket lives in this browser only (localStorage, under the key the client has always used, so a shopper's
// basket survives the move from the old client): the lines, each with the price shown when it was added; the order's own total is the
// orders subgraph's, computed again at checkout.
import { useSyncExternalStore } from 'react';
import { fromHundredths, type Money, toHundredths } from './format.ts';

export interface BasketLine {
  code: string;
  name: string;
  productName: string;
  price: Money;
  quantity: number;
}

const BASKET_KEY = 'commerce.basket';
/** One checkout's idempotency key, kept until it succeeds, so a retried click never places a second order. */
const CHECKOUT_KEY = 'commerce.checkout-key';
/** A line's quantity is 1 to this, as the quantity input allows. */
export const MAX_QUANTITY = 999;

const listeners = new Set<() => void>();
let cachedText: string | null | undefined;
let cachedLines: BasketLine[] = [];

function read(): BasketLine[] {
  const text = localStorage.getItem(BASKET_KEY);
  if (text === cachedText) return cachedLines;
  cachedText = text;
  try {
    const parsed = JSON.parse(text ?? '[]') as unknown;
    cachedLines = Array.isArray(parsed) ? parsed.filter(isLine) : [];
  } catch {
    cachedLines = [];
  }
  return cachedLines;
}

function isLine(value: unknown): value is BasketLine {
  const line = value as Partial<BasketLine> | null;
  return typeof line?.code === 'string' && typeof line.quantity === 'number' && typeof line.price?.amount === 'string';
}

function write(lines: BasketLine[]): void {
  localStorage.setItem(BASKET_KEY, JSON.stringify(lines));
  localStorage.removeItem(CHECKOUT_KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed it.
  const onStorage = (event: StorageEvent) => {
    if (event.key === BASKET_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useBasket(): BasketLine[] {
  return useSyncExternalStore(subscribe, read);
}

export function addToBasket(sku: { code: string; name: string; price: Money }, productName: string): void {
  const lines = read();
  const found = lines.find((line) => line.code === sku.code);
  write(
    found
      ? lines.map((line) => (line === found ? { ...line, quantity: Math.min(MAX_QUANTITY, line.quantity + 1) } : line))
      : [
          ...lines,
          {
            code: sku.code,
            name: sku.name,
            productName,
            price: { amount: sku.price.amount, currencyCode: sku.price.currencyCode },
            quantity: 1,
          },
        ],
  );
}

export function setQuantity(code: string, quantity: number): void {
  const bounded = Math.min(MAX_QUANTITY, Math.max(1, Number.isFinite(quantity) ? Math.trunc(quantity) : 1));
  write(read().map((line) => (line.code === code ? { ...line, quantity: bounded } : line)));
}

export function removeFromBasket(code: string): void {
  write(read().filter((line) => line.code !== code));
}

export function emptyBasket(): void {
  write([]);
}

/** The idempotency key of the checkout under way: the same until the basket changes or the order is placed. */
export function checkoutKey(): string {
  const key = localStorage.getItem(CHECKOUT_KEY) ?? crypto.randomUUID();
  localStorage.setItem(CHECKOUT_KEY, key);
  return key;
}

/**
 * The basket's totals, one per currency, summed in minor units (hundredths) so 0.1 + 0.2 is 0.30, never
 * 0.30000000000000004. Amounts are the API's exact decimal strings.
 */
export function basketTotals(lines: readonly BasketLine[]): Money[] {
  const cents = new Map<string, bigint>();
  for (const line of lines) {
    const next = (cents.get(line.price.currencyCode) ?? 0n) + (toHundredths(line.price.amount) ?? 0n) * BigInt(line.quantity);
    cents.set(line.price.currencyCode, next);
  }
  return [...cents].map(([currencyCode, total]) => ({ amount: fromHundredths(total), currencyCode }));
}

export function lineTotal(line: BasketLine): Money {
  return {
    amount: fromHundredths((toHundredths(line.price.amount) ?? 0n) * BigInt(line.quantity)),
    currencyCode: line.price.currencyCode,
  };
}
