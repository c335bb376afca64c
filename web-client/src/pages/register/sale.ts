// The sale on the till, kept in sessionStorage (this tab only) so a reload or a network drop loses nothing:
// its lines, its member and, above all, its idempotency key. The key is made once per sale and dropped only
// when the sale is finished, so every retry of placeOrder names the same sale and the orders subgraph
// returns the order it already placed instead of selling (and taking stock) twice.
import { useSyncExternalStore } from 'react';
import type { Money } from '../../format.ts';
import type { CashTaken } from './cash.ts';

export interface SaleLine {
  code: string;
  name: string;
  productName: string;
  price: Money;
  quantity: number;
}

export interface SaleMember {
  id: string;
  name: string;
  tier: string;
  points: number;
  /** The member's coupons that can still be used: code and description. */
  coupons: { code: string; description: string }[];
}

export interface Sale {
  key: string;
  lines: SaleLine[];
  member: SaleMember | null;
  /** Set once placeOrder answered: from then on the sale is paid and printed, never placed again. */
  orderId: string | null;
  /** The cash the customer handed over and the change given, for the receipt (the API records the payment, not these). */
  cash?: CashTaken | null;
}

const SALE_KEY = 'commerce.register.sale';
const STORE_KEY = 'commerce.register.store';
export const MAX_LINE_QUANTITY = 999;

const listeners = new Set<() => void>();
let cachedText: string | null | undefined;
let cached: Sale = newSale();

function newSale(): Sale {
  return { key: `sale-${crypto.randomUUID()}`, lines: [], member: null, orderId: null, cash: null };
}

function read(): Sale {
  const text = sessionStorage.getItem(SALE_KEY);
  if (text === cachedText) return cached;
  cachedText = text;
  try {
    cached = text ? (JSON.parse(text) as Sale) : newSale();
  } catch {
    cached = newSale();
  }
  // A new sale is kept in memory until its first line; that write stores its key with it (never during a render).
  return cached;
}

function write(sale: Sale): void {
  cachedText = JSON.stringify(sale);
  cached = sale;
  sessionStorage.setItem(SALE_KEY, cachedText);
  for (const listener of listeners) listener();
}

function update(change: (sale: Sale) => Sale): void {
  write(change(read()));
}

export function useSale(): Sale {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, read);
}

/** One more of a SKU (a scan or a typed code): a new line, or the existing line's quantity plus one. */
export function addLine(line: Omit<SaleLine, 'quantity'>): void {
  update((sale) => {
    const existing = sale.lines.find((each) => each.code === line.code);
    const lines = existing
      ? sale.lines.map((each) => (each === existing ? { ...each, quantity: Math.min(each.quantity + 1, MAX_LINE_QUANTITY) } : each))
      : [...sale.lines, { ...line, quantity: 1 }];
    return { ...sale, lines };
  });
}

export function setLineQuantity(code: string, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) return;
  update((sale) => ({ ...sale, lines: sale.lines.map((line) => (line.code === code ? { ...line, quantity } : line)) }));
}

export function removeLine(code: string): void {
  update((sale) => ({ ...sale, lines: sale.lines.filter((line) => line.code !== code) }));
}

export function setMember(member: SaleMember | null): void {
  update((sale) => ({ ...sale, member }));
}

export function setOrderId(orderId: string): void {
  update((sale) => ({ ...sale, orderId }));
}

/** The cash taken for the sale (null when it is paid another way), kept so a reload still prints it on the receipt. */
export function setCash(cash: CashTaken | null): void {
  update((sale) => ({ ...sale, cash }));
}

/** The sale is over (paid and printed): the next one gets a new key. */
export function finishSale(): void {
  write(newSale());
}

/** The store the till sells from, remembered in this browser. */
export const rememberedStore = () => localStorage.getItem(STORE_KEY) ?? '';
export const rememberStore = (warehouseId: string) => localStorage.setItem(STORE_KEY, warehouseId);
