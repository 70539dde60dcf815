// infra/docker/postgres/init-audit-db.sh, the Compose PostgreSQL's first-start script, run as the
// postgres image runs it, on a PostgreSQL cluster of its own (initdb in a temporary folder, a Unix
// socket only, password authentication): the guardrails login exists, logs in with its password (one
// with a quote and a space in it), and is a member of the audit app role only. Skipped, saying why,
// without PostgreSQL's server binaries or a way to run them as the postgres user.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DOCKER_DIR } from './paths.js';

const SCRIPT = join(DOCKER_DIR, 'postgres/init-audit-db.sh');
const DBA = 'aloe_dba';
const DBA_PASSWORD = 'dba-secret';
const GUARDRAILS_PASSWORD = "it's a pass word";

/** The newest PostgreSQL server binaries Debian's packages installed, if any. */
function serverBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

function unavailable(): string | undefined {
  if (!serverBin()) return 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin';
  if (spawnSync('psql', ['--version']).status !== 0) return 'no psql on PATH';
  if (userInfo().uid !== 0 && userInfo().username !== 'postgres')
    return 'the server must run as the postgres user: run as root (runuser) or as postgres';
  if (userInfo().uid === 0 && spawnSync('id', ['postgres']).status !== 0) return 'no postgres user';
  return undefined;
}

const why = unavailable();
if (why) console.warn(`PostgreSQL init script test skipped: ${why}`);

(why ? describe.skip : describe)(
  `infra/docker/postgres/init-audit-db.sh on a PostgreSQL of its own${why ? ` (skipped: ${why})` : ''}`,
  () => {
    const bin = serverBin() ?? '';
    let dir = '';
    const port = String(20_000 + (process.pid % 20_000));
    const asPostgres = (command: string, args: string[]) =>
      userInfo().uid === 0
        ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
        : spawnSync(command, args, { encoding: 'utf8' });
    const psql = (user: string, password: string, sql: string) =>
      spawnSync(
        'psql',
        ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', 'aloe_audit', '-c', sql],
        {
          encoding: 'utf8',
          env: { ...process.env, PGHOST: dir, PGPORT: port, PGPASSWORD: password },
        },
      );

    beforeAll(() => {
      dir = mkdtempSync('/tmp/aloe-pg-init-');
      writeFileSync(join(dir, 'pw'), DBA_PASSWORD);
      if (userInfo().uid === 0) {
        const postgres = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
        chownSync(dir, Number(postgres), -1);
        chownSync(join(dir, 'pw'), Number(postgres), -1);
      }
      const init = asPostgres(join(bin, 'initdb'), [
        '-D',
        join(dir, 'data'),
        '-U',
        DBA,
        '--auth=scram-sha-256',
        `--pwfile=${join(dir, 'pw')}`,
      ]);
      if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
      const start = asPostgres(join(bin, 'pg_ctl'), [
        '-D',
        join(dir, 'data'),
        '-o',
        `-k ${dir} -c listen_addresses= -p ${port}`,
        '-l',
        join(dir, 'server.log'),
        '-w',
        'start',
      ]);
      if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}`);
      const created = spawnSync('createdb', ['-U', DBA, 'aloe_audit'], {
        encoding: 'utf8',
        env: { ...process.env, PGHOST: dir, PGPORT: port, PGPASSWORD: DBA_PASSWORD },
      });
      if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
    });

    afterAll(() => {
      if (existsSync(join(dir, 'data')))
        asPostgres(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    });

    it('makes the guardrails login, a member of aloe_audit_app only, with its password', () => {
      const run = spawnSync('sh', [SCRIPT], {
        encoding: 'utf8',
        env: {
          ...process.env,
          POSTGRES_USER: DBA,
          POSTGRES_DB: 'aloe_audit',
          GUARDRAILS_DB_PASSWORD: GUARDRAILS_PASSWORD,
          PGHOST: dir,
          PGPORT: port,
          PGPASSWORD: DBA_PASSWORD,
        },
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

      const login = psql(
        'guardrails',
        GUARDRAILS_PASSWORD,
        `SELECT current_user, r.rolsuper, pg_has_role(current_user, 'aloe_audit_app', 'MEMBER'),
                pg_has_role(current_user, 'aloe_audit_owner', 'MEMBER')
           FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect({ status: login.status, rows: login.stdout.trim(), stderr: login.stderr }).toEqual({
        status: 0,
        rows: 'guardrails|f|t|f',
        stderr: '',
      });
      expect(psql('guardrails', 'a wrong password', 'SELECT 1').stderr).toMatch(
        /password authentication failed/,
      );
    });

    it('refuses to run without the guardrails password, saying which variable', () => {
      const { GUARDRAILS_DB_PASSWORD: _, ...environment } = process.env;
      const run = spawnSync('sh', [SCRIPT], {
        encoding: 'utf8',
        env: { ...environment, POSTGRES_USER: DBA, POSTGRES_DB: 'aloe_audit', PGHOST: dir, PGPORT: port },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/GUARDRAILS_DB_PASSWORD/);
    });
  },
);
