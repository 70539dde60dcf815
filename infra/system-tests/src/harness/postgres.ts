import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (127.0.0.1:5432, or AUDIT_TEST_PG_URL, as the guardrails' audit tests use). */
const PG_ADMIN = process.env.AUDIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why a suite that needs PostgreSQL cannot run here (it then skips, saying so), or undefined. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    const { rows } = await asAdmin((client) =>
      client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user'),
    );
    return rows[0]?.rolsuper ? undefined : `${PG_ADMIN.replace(/\/\/[^@]*@/, '//')} is not a superuser login`;
  } catch (error) {
    return `no PostgreSQL at ${PG_ADMIN.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}); set AUDIT_TEST_PG_URL`;
  }
}

/**
 * A fresh database for one run's audit log (several guardrails share it, as replicas share one in
 * production); drop() removes it, even while connections remain.
 */
export async function createAuditDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `aloe_chaos_${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`),
    drop: () =>
      asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
