import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DashboardStockLevelsQuery } from '../../gql/graphql.ts';
import { DashboardSkuPage, DashboardStockLevels } from './operations.ts';
import type { StockChange } from './StockDashboardPage.tsx';

export type StockLevelRow = DashboardStockLevelsQuery['stockLevels'][number];

/** Products per page of the table: with their SKUs and warehouses that keeps the page within three screens. */
export const PRODUCTS_PER_PAGE = 3;
/** How long a changed row stays lit (app.css's flash animation runs 2 s). */
const FLASH_MS = 2_000;

export const levelKey = (skuCode: string, warehouseCode: string) => `${skuCode}@${warehouseCode}`;

type Figures = Pick<StockLevelRow, 'onHand' | 'reserved' | 'available'>;

/**
 * One page of stock levels: the SKUs of a page of products (a search narrows them, cursors page them), their
 * levels read once, then kept current from the live changes passed in. A change to a level on the page
 * overrides its figures and lights its row; changes to other SKUs leave the page as it is (the feed shows them).
 */
export function useStockPage(latest: StockChange | null) {
  const [search, setSearch] = useState('');
  // The cursors of the pages before this one: Previous pops one, Next pushes the current page's end.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const skuPage = useQuery(DashboardSkuPage, { variables: { search: search || null, first: PRODUCTS_PER_PAGE, after } });
  const skuCodes = useMemo(
    () => skuPage.data?.products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code)) ?? [],
    [skuPage.data],
  );
  const levelsQuery = useQuery(DashboardStockLevels, { variables: { skuCodes }, skip: skuCodes.length === 0 });
  const [overrides, setOverrides] = useState<ReadonlyMap<string, Figures>>(new Map());
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  // Each change is applied once, not again when the page (and with it skuCodes) changes.
  const applied = useRef<StockChange | null>(null);

  // A new page starts from what was read; the overrides of the last one no longer apply.
  useEffect(() => setOverrides(new Map()), [levelsQuery.data]);

  useEffect(() => {
    if (!latest || latest === applied.current || !skuCodes.includes(latest.sku.code)) return;
    applied.current = latest;
    const key = levelKey(latest.sku.code, latest.warehouse.code);
    setOverrides((old) => {
      const previous = old.get(key);
      const next = new Map(old);
      // onHand and reserved are null for callers without stock:read; keep what was read then.
      next.set(key, {
        available: latest.available,
        onHand: latest.onHand ?? previous?.onHand ?? 0,
        reserved: latest.reserved ?? previous?.reserved ?? 0,
      });
      return next;
    });
    setFlashing((old) => new Set(old).add(key));
    clearTimeout(timers.current.get(key));
    timers.current.set(
      key,
      setTimeout(() => {
        timers.current.delete(key);
        setFlashing((old) => {
          const next = new Set(old);
          next.delete(key);
          return next;
        });
      }, FLASH_MS),
    );
  }, [latest, skuCodes]);
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);

  const levels = useMemo(
    () =>
      (skuCodes.length ? (levelsQuery.data?.stockLevels ?? []) : []).map((level) => {
        const live = overrides.get(levelKey(level.sku.code, level.warehouse.code));
        return live ? { ...level, ...live } : level;
      }),
    [levelsQuery.data, overrides, skuCodes],
  );

  const endCursor = skuPage.data?.products.pageInfo.endCursor ?? null;
  return {
    levels,
    skuCount: skuCodes.length,
    flashing,
    page: cursors.length,
    loading: skuPage.loading || levelsQuery.loading,
    error: skuPage.error ?? levelsQuery.error,
    hasPrevious: cursors.length > 1,
    hasNext: Boolean(skuPage.data?.products.pageInfo.hasNextPage && endCursor),
    previous: () => setCursors((old) => (old.length > 1 ? old.slice(0, -1) : old)),
    next: () => setCursors((old) => (endCursor ? [...old, endCursor] : old)),
    filter: (words: string) => {
      setSearch(words);
      setCursors([null]);
    },
  };
}
