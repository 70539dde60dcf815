import { readFileSync } from 'node:fs';
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

const files = {
  '/compliance': ['page.html', 'text/html; charset=utf-8'],
  '/compliance/page.js': ['page.js', 'text/javascript; charset=utf-8'],
  '/compliance/page.css': ['page.css', 'text/css; charset=utf-8'],
} as const;

/** The compliance officers' web page over the audit API (ARCHITECTURE §1): search, a record, verify, export. */
export function createCompliancePageRoutes(): Router {
  const router = Router();
  for (const [path, [file, type]] of Object.entries(files)) {
    // Beside this module in src/ and, copied by the build, in dist/.
    const body = readFileSync(new URL(`./compliance-page/${file}`, import.meta.url));
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
