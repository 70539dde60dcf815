import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

describe('inference start-up', () => {
  it('refuses to start with a bad configuration and names the variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, INFERENCE_GRPC_PORT: 'not-a-port', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('inference: cannot start.');
    expect(result.stderr).toMatch(/^ {2}INFERENCE_GRPC_PORT: must be a whole number \(got "not-a-port"\)$/m);
    expect(result.stderr).toMatch(/^ {2}LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace/m);
  });
});
