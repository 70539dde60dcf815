import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The little SQL surface the audit store needs, over PostgreSQL (`pg`) or embedded PGlite alike. */
export interface SqlClient {
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface SqlClientOptions {
  onIdleClientError?: (error: Error) => void;
  /**
   * The role every session works as. PostgreSQL: set when each connection starts (`-c role=…`), so a
   * login that is not a member fails to connect instead of running with its own rights. PGlite: SET ROLE.
   */
  role?: string;
}

/**
 * Opens the audit database from GUARDRAILS_AUDIT_DATABASE_URL: `postgres://…` (production, CI) or
 * `pglite:<dir>` / `pglite:memory` (the embedded default: the same SQL, no server).
 */
export async function openSqlClient(url: string, options: SqlClientOptions = {}): Promise<SqlClient> {
  if (options.role !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.role))
    throw new TypeError(`Not a plain role name: ${options.role}`);
  if (url.startsWith('pglite:')) {
    const target = url.slice('pglite:'.length);
    const db = await PGlite.create(target === 'memory' ? undefined : target);
    if (options.role) await db.exec(`SET ROLE ${options.role}`);
    const wrap = (runner: Pick<PGlite, 'query' | 'exec'>): SqlClient => ({
      query: async (sql, params) => (await runner.query(sql, params)).rows as never,
      exec: async (sql) => {
        await runner.exec(sql);
      },
      transaction: (work) => db.transaction((tx) => work(wrap(tx as never))),
      close: () => db.close(),
    });
    return wrap(db);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 5,
    ...(options.role ? { options: `-c role=${options.role}` } : {}),
  });
  // An idle connection can be cut by the server (restart, failover, an administrator): the pool drops it
  // and opens another on the next query. Without a listener, node-postgres's 'error' event would crash
  // the process.
  pool.on('error', (error) => options.onIdleClientError?.(error));
  const wrap = (runner: pg.Pool | pg.PoolClient): SqlClient => ({
    query: async (sql, params) => (await runner.query(sql, params)).rows,
    exec: async (sql) => {
      await runner.query(sql);
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  });
  return wrap(pool);
}
