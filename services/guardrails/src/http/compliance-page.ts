import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Router } from 'express';

// The page holds no data: it is a form that calls the compliance API with the token the officer types.
// So it is served to anyone, under a policy that lets it load only itself and talk only to this origin.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const here = (file: string) => new URL(`./compliance-page/${file}`, import.meta.url);
// Chart.js's UMD build: one self-contained classic script (its ESM build imports a bare specifier,
// which would need an inline import map), no eval, so it runs under script-src 'self'. Served from
// the pinned package itself, never a CDN. Its package exports do not name the file: find it beside
// the main entry.
const chartJs = new URL(
  'chart.umd.min.js',
  pathToFileURL(createRequire(import.meta.url).resolve('chart.js')),
);

const files: Record<string, [URL, string]> = {
  '/compliance': [here('page.html'), 'text/html; charset=utf-8'],
  '/compliance/page.js': [here('page.js'), 'text/javascript; charset=utf-8'],
  '/compliance/glance.js': [here('glance.js'), 'text/javascript; charset=utf-8'],
  '/compliance/page.css': [here('page.css'), 'text/css; charset=utf-8'],
  '/compliance/chart.umd.min.js': [chartJs, 'text/javascript; charset=utf-8'],
};

/**
 * The compliance officers' web page over the audit API (docs/architecture.md#compliance-page): search, a
 * record, verify, export, and the period at a glance (charts of the counts, the newest checkpoint's
 * verification).
 */
export function createCompliancePageRoutes(): Router {
  const router = Router();
  for (const [path, [file, type]] of Object.entries(files)) {
    // Beside this module in src/ and, copied by the build, in dist/ (Chart.js: in node_modules).
    const body = readFileSync(file);
    router.get(path, (_request, response) => {
      response
        .set({
          'content-type': type,
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        })
        .send(body);
    });
  }
  return router;
}
