import { existsSync } from 'node:fs';

/**
 * The browser the UI tests drive: Debian's Chromium (`.ci/run` installs it with apt), or `CHROMIUM_PATH`.
 * `available` is false when it is missing; then this says which `suite` is skipped and why, and the
 * suite skips itself.
 */
export function testChromium(suite: string): { executablePath: string; available: boolean; args: string[] } {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const available = existsSync(executablePath);
  if (!available) console.warn(`${suite} skipped: no Chromium at ${executablePath} (apt install chromium)`);
  return {
    executablePath,
    available,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  };
}
