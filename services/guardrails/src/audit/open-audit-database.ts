import { AUDIT_APP_ROLE, AUDIT_OWNER_ROLE, migrateAuditSchema } from './migrations.js';
import { openSqlClient, type SqlClient, type SqlClientOptions } from './sql-client.js';

export interface AuditDatabase {
  db: SqlClient;
  /**
   * Why the service's sessions could still leave the app role (they RESET ROLE back to a login with more
   * rights), or undefined when they cannot: worth a warning at start-up.
   */
  escapableBecause: string | undefined;
}

/**
 * The audit database as the service uses it: the migrations applied by the owner's login (or, without
 * one, by the service's own login), then every session working as the app role, which may only read,
 * append and call the purge function.
 */
export async function openAuditDatabase(
  urls: { databaseUrl: string; ownerDatabaseUrl?: string | undefined },
  options: Pick<SqlClientOptions, 'onIdleClientError'> = {},
): Promise<AuditDatabase> {
  if (urls.databaseUrl.startsWith('pglite:')) {
    // PGlite has one session and no logins: migrate, then switch that session to the app role.
    const db = await openSqlClient(urls.databaseUrl, options);
    await migrateAuditSchema(db);
    await db.exec(`SET ROLE ${AUDIT_APP_ROLE}`);
    return { db, escapableBecause: 'PGlite has no logins: the embedded database runs as its superuser' };
  }
  const migrator = await openSqlClient(urls.ownerDatabaseUrl ?? urls.databaseUrl, options);
  try {
    await migrateAuditSchema(migrator);
  } finally {
    await migrator.close();
  }
  const db = await openSqlClient(urls.databaseUrl, { ...options, role: AUDIT_APP_ROLE });
  const [login] = await db.query<{ login: string; superuser: boolean; owner: boolean }>(
    `SELECT session_user AS login, r.rolsuper AS superuser,
            pg_has_role(session_user, $1, 'MEMBER') AS owner
       FROM pg_roles r WHERE r.rolname = session_user`,
    [AUDIT_OWNER_ROLE],
  );
  const escapableBecause = login?.superuser
    ? `the login ${login.login} is a superuser`
    : login?.owner
      ? `the login ${login.login} is a member of the owner role`
      : undefined;
  return { db, escapableBecause };
}
