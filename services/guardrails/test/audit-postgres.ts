// The machine's PostgreSQL for the audit tests (127.0.0.1:5432, or AUDIT_TEST_PG_URL): a database per
// test run, and logins of the app role, each dropped afterwards. Suites skip, saying why, without it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AUDIT_APP_ROLE } from '../src/audit/migrations.js';

export const PG_ADMIN = process.env.AUDIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = PG_ADMIN): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why the PostgreSQL suites skip (logged), or undefined when a superuser can connect. */
export async function postgresUnavailable(suite: string): Promise<string | undefined> {
  const where = PG_ADMIN.replace(/\/\/[^@]*@/, '//');
  let reason: string | undefined;
  try {
    const { rows } = await admin((client) =>
      client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user'),
    );
    // The tests play the superuser an attacker would be, and create databases and logins.
    if (!rows[0]?.rolsuper) reason = `${where} is not a superuser login`;
  } catch (error) {
    reason = `no server at ${where} (${(error as Error).message}); set AUDIT_TEST_PG_URL`;
  }
  if (!reason) return undefined;
  console.warn(`${suite} on PostgreSQL skipped: ${reason}`);
  return `${suite} on PostgreSQL skipped: ${reason}`;
}

const shortId = () => randomUUID().replaceAll('-', '').slice(0, 12);
const withDatabase = (url: string, database: string) => url.replace(/\/[^/]*$/, `/${database}`);

/** A database of its own, reached as the superuser; drop() removes it and the logins made for it. */
export async function createTestDatabase() {
  const database = `aloe_audit_${shortId()}`;
  const logins: string[] = [];
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
  return {
    superuserUrl: withDatabase(PG_ADMIN, database),
    /** A login that is a member of the app role only (as a DBA would give the service); after migrations. */
    async appLoginUrl(): Promise<string> {
      const login = `aloe_test_app_${shortId()}`;
      await admin((client) =>
        client.query(`CREATE ROLE ${login} LOGIN PASSWORD '${login}' IN ROLE ${AUDIT_APP_ROLE}`),
      );
      logins.push(login);
      const url = new URL(withDatabase(PG_ADMIN, database));
      url.username = login;
      url.password = login;
      return url.toString();
    },
    async drop() {
      await admin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        for (const login of logins) await client.query(`DROP ROLE IF EXISTS ${login}`);
      });
    },
  };
}
