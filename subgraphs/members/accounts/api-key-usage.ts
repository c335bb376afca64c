import DataLoader from 'dataloader';
import { badUserInput } from '../../../platform/graphql/errors.ts';
import type { MembersContext } from '../context.ts';
import type { ApiKey } from '../entities/api-key.entity.ts';
import * as apiKeyRepository from './api-key-repository.ts';

/**
 * What the router reports of a key's use, every few seconds, summed since its
 * last report: requests let through, operations answered with errors, and the
 * operation cost it computed for the operations it executed. `errors` and
 * `cost` default to 0 so a router of an earlier version still reports.
 */
export type ApiKeyUsageReport = { id: string; requests: number; errors?: number | null; cost?: number | null; lastUsedAt: Date };

const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;

/**
 * Adds the router's counts to the key's running totals and to its row for
 * the UTC day of the report's last use (a report spanning midnight counts
 * on the later day). Entries are applied in key order, so two reports at once
 * take their row locks in the same order on MySQL. Malformed entries and
 * empty ones are skipped; resolves with how many were applied.
 */
export async function recordApiKeyUsage(ctx: MembersContext, usage: ApiKeyUsageReport[]): Promise<number> {
  const valid = usage
    .map((entry) => ({ ...entry, errors: entry.errors ?? 0, cost: Math.round(entry.cost ?? 0) }))
    .filter((entry) => isCount(entry.requests) && isCount(entry.errors) && isCount(entry.cost))
    .filter((entry) => entry.requests + entry.errors + entry.cost > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await ctx.db.transaction(ctx.em, async (tx) => {
    for (const entry of valid) {
      await apiKeyRepository.addUsage(ctx.db, tx, entry);
      const day = dayOf(entry.lastUsedAt);
      await apiKeyRepository.addDailyUsage(ctx.db, tx, { apiKeyId: entry.id, day, ...entry });
    }
  });
  return valid.length;
}

/** How far back `ApiKey.usage` reaches. */
export const MAX_USAGE_DAYS = 90;

export type DayOfUsage = { day: string; requests: number; errors: number; cost: number };

const DAY_MS = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** Per request: one query for the usage of every key listed, per distinct range asked for. */
const loaders = new WeakMap<MembersContext, Map<string, DataLoader<string, apiKeyRepository.DailyUsage[]>>>();

function usageLoader(ctx: MembersContext, fromDay: string) {
  let byRange = loaders.get(ctx);
  if (!byRange) {
    byRange = new Map();
    loaders.set(ctx, byRange);
  }
  let loader = byRange.get(fromDay);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = await apiKeyRepository.dailyUsageSince(ctx.db, ctx.em, ids, fromDay);
      return ids.map((id) => rows.filter((row) => row.apiKeyId === id));
    });
    byRange.set(fromDay, loader);
  }
  return loader;
}

/** `ApiKey.usage(days)`: today (UTC) and the days before it, `days` in all, oldest first; a day without use counts zeros. */
export async function usageOf(ctx: MembersContext, key: ApiKey, days: number): Promise<DayOfUsage[]> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
    throw badUserInput(`days must be a whole number from 1 to ${MAX_USAGE_DAYS}; received ${days}`, 'days');
  }
  const today = Date.parse(`${dayOf(new Date())}T00:00:00Z`);
  const range = Array.from({ length: days }, (_, i) => dayOf(new Date(today - (days - 1 - i) * DAY_MS)));
  const rows = await usageLoader(ctx, range[0]!).load(key.id);
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return range.map((day) => {
    const row = byDay.get(day);
    return { day, requests: row?.requests ?? 0, errors: row?.errors ?? 0, cost: row?.cost ?? 0 };
  });
}
