/**
 * MariaDB GTID positions (`0-1-42,1-2-7`: per replication domain, the last
 * transaction's domain-server-sequence), as read-replicas.ts compares them and
 * as the router carries a caller's last write between instances of a
 * subgraph (docs/architecture.md §9, Read replicas).
 */

/** The last transaction of one replication domain: the server that wrote it and its sequence number. */
export type Gtid = { server: number; sequence: number };

/** A MariaDB GTID position as domain → its last transaction. */
export type GtidPosition = Map<number, Gtid>;

/** The longest position text accepted from another process (a forwarded header, Redis). */
export const MAX_POSITION_CHARS = 1024;
/** The most replication domains a position accepted from another process may name. */
export const MAX_POSITION_DOMAINS = 32;
/** MariaDB's domain and server ids are unsigned 32-bit numbers. */
const MAX_ID = 0xffff_ffff;

/** What the server itself reports (`@@gtid_binlog_pos`, `@@gtid_slave_pos`): read leniently, a part it cannot read is left out. */
export function parseGtidPosition(text: unknown): GtidPosition {
  const position: GtidPosition = new Map();
  for (const part of String(text ?? '').split(',')) {
    const match = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (match) position.set(Number(match[1]), { server: Number(match[2]), sequence: Number(match[3]) });
  }
  return position;
}

/**
 * A position that came from another process, read strictly: a non-empty GTID
 * list of at most MAX_POSITION_DOMAINS distinct domains in at most
 * MAX_POSITION_CHARS characters, every number within its range. Returns the
 * reason when it is not one.
 */
export function parseForwardedPosition(text: string): { ok: true; position: GtidPosition } | { ok: false; reason: string } {
  if (text.length === 0 || text.length > MAX_POSITION_CHARS)
    return { ok: false, reason: `a position has 1 to ${MAX_POSITION_CHARS} characters; received ${text.length}` };
  const parts = text.split(',');
  if (parts.length > MAX_POSITION_DOMAINS)
    return { ok: false, reason: `a position names at most ${MAX_POSITION_DOMAINS} domains; received ${parts.length}` };
  const position: GtidPosition = new Map();
  for (const part of parts) {
    const match = /^(\d{1,10})-(\d{1,10})-(\d{1,16})$/.exec(part);
    const [domain, server, sequence] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
    if (domain === undefined || server === undefined || sequence === undefined)
      return { ok: false, reason: 'a position is a list of domain-server-sequence GTIDs separated by commas' };
    if (domain > MAX_ID || server > MAX_ID || sequence > Number.MAX_SAFE_INTEGER)
      return { ok: false, reason: 'a GTID number is out of range' };
    if (position.has(domain)) return { ok: false, reason: `domain ${domain} appears twice` };
    position.set(domain, { server, sequence });
  }
  return { ok: true, position };
}

/** The position as MariaDB writes it, domains in order. */
export function formatGtidPosition(position: GtidPosition): string {
  return [...position]
    .sort(([a], [b]) => a - b)
    .map(([domain, { server, sequence }]) => `${domain}-${server}-${sequence}`)
    .join(',');
}

/** Whether `reached` holds every transaction of `wanted` (a GTID position is per replication domain). */
export function hasReached(reached: GtidPosition, wanted: GtidPosition): boolean {
  for (const [domain, { sequence }] of wanted) if ((reached.get(domain)?.sequence ?? -1) < sequence) return false;
  return true;
}

/** The position that has reached both: per domain, the later of the two transactions. */
export function newest(a: GtidPosition, b: GtidPosition): GtidPosition {
  const result = new Map(a);
  for (const [domain, gtid] of b) if ((result.get(domain)?.sequence ?? -1) < gtid.sequence) result.set(domain, gtid);
  return result;
}
