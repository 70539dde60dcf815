import { existsSync } from 'node:fs';

/**
 * The browser the UI tests drive: Debian's Chromium (`.ci/run` installs it with apt), or `CHROMIUM_PATH`.
 * `available` is false when it is missing, so the tests can skip and say why.
 */
export function testChromium(): { executablePath: string; available: boolean; args: string[] } {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return {
    executablePath,
    available: existsSync(executablePath),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  };
}
