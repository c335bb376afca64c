import { createPool } from 'mysql2/promise';

/**
 * The database's own ceiling for the write mix (--mysql only): the same
 * conditional UPDATE a reservation makes on a stock level
 * (subgraphs/stock/stock-level-repository.ts, addToLevelIfGuarded), sent
 * straight to the stock subgraph's database on one row, by as many
 * connections as the load has clients, each statement its own transaction,
 * for `seconds`. Its deltas are 0, so the guard is evaluated and the row is
 * written (version, updated_at) without changing the stock; every statement
 * queues on the same row lock, as the checkouts of one hot SKU do.
 */
const GUARDED_UPDATE = `update stock_level
    set on_hand = on_hand + ?, reserved = reserved + ?, version = version + 1, updated_at = ?
  where sku_code = ? and warehouse_id = ?
    and reserved + ? >= 0
    and on_hand + ? >= reserved + ?`;

export type RawUpdateRate = { updatesPerSecond: number; connections: number; seconds: number };

export async function rawUpdateRate(
  databaseUrl: string,
  level: { skuCode: string; warehouseId: string },
  connections: number,
  seconds: number,
): Promise<RawUpdateRate> {
  const pool = createPool({ uri: databaseUrl, connectionLimit: connections });
  try {
    let updates = 0;
    const until = performance.now() + seconds * 1000;
    const client = async () => {
      while (performance.now() < until) {
        const [result] = await pool.execute(GUARDED_UPDATE, [0, 0, new Date(), level.skuCode, level.warehouseId, 0, 0, 0]);
        if ((result as { affectedRows: number }).affectedRows !== 1)
          throw new Error(`the guarded update found no level of ${level.skuCode}`);
        updates++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, client));
    return { updatesPerSecond: updates / ((performance.now() - started) / 1000), connections, seconds };
  } finally {
    await pool.end();
  }
}
