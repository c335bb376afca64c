import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((path) => existsSync(path));

/**
 * A MariaDB primary and its replica, each a server of its own on a free port
 * with its own data directory, for tests of read replicas. The machine's
 * shared server is never touched. Unavailable (undefined, with the reason in
 * `unavailableReason`) when MariaDB's server binaries are not installed.
 */
export type ReplicaPair = {
  primaryUrl: string;
  replicaUrl: string;
  /** Runs SQL on one server (values bound). */
  sql(on: 'primary' | 'replica', statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Kills the replica's server; reads must then come from the primary. */
  killReplica(): Promise<void>;
  stop(): Promise<void>;
};

export const unavailableReason = (): string | undefined =>
  !existsSync(MARIADBD) || !INSTALL_DB ? `MariaDB server binaries not found (${MARIADBD}, mariadb-install-db)` : undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(dir: string, serverId: number): Promise<{ port: number; process: ChildProcess }> {
  await promisify(execFile)(INSTALL_DB!, [
    '--no-defaults',
    `--datadir=${dir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--user=root',
  ]);
  const port = await freePort();
  const child = spawn(
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${dir}`,
      `--port=${port}`,
      `--socket=${join(dir, 'sock')}`,
      '--bind-address=127.0.0.1',
      `--server-id=${serverId}`,
      `--log-bin=${join(dir, 'bin')}`,
      '--binlog-format=ROW',
      '--user=root',
      `--pid-file=${join(dir, 'pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--innodb-buffer-pool-size=16M',
      '--skip-name-resolve',
    ],
    { stdio: 'ignore' },
  );
  child.on('error', () => undefined);
  // Ready once it accepts a connection (an install and start take a few seconds).
  for (let attempt = 0; ; attempt += 1) {
    try {
      const connection = await createConnection({ host: '127.0.0.1', port, user: 'root' });
      await connection.end();
      return { port, process: child };
    } catch (error) {
      if (attempt > 300 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts the pair with replication running; resolves undefined when MariaDB is not installed here. */
export async function startReplicaPair(): Promise<ReplicaPair | undefined> {
  if (unavailableReason()) return undefined;
  const root = mkdtempSync(join(tmpdir(), 'mariadb-pair-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopped));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const primary = await startServer(join(root, 'primary'), 1);
    children.push(primary.process);
    const replica = await startServer(join(root, 'replica'), 2);
    children.push(replica.process);
    const ports = { primary: primary.port, replica: replica.port };
    const sql = async (on: 'primary' | 'replica', statement: string, params: unknown[] = []) => {
      const connection = await createConnection({ host: '127.0.0.1', port: ports[on], user: 'root' });
      try {
        const [rows] = await connection.query(statement, params);
        return rows as Record<string, unknown>[];
      } finally {
        await connection.end();
      }
    };
    // CHANGE MASTER takes no placeholders; the port is a number this function chose.
    await sql(
      'replica',
      `change master to master_host = '127.0.0.1', master_port = ${Number(ports.primary)}, master_user = 'root', master_password = '', master_use_gtid = slave_pos`,
    );
    await sql('replica', 'start slave');
    return {
      primaryUrl: `mysql://root@127.0.0.1:${ports.primary}/`,
      replicaUrl: `mysql://root@127.0.0.1:${ports.replica}/`,
      sql,
      killReplica: () => stopped(replica.process),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
