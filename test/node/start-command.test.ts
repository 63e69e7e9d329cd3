import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/node/config.ts';

const BIN = fileURLToPath(new URL('../../bin/scratchbird.js', import.meta.url));

function scratchbird(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('scratchbird start', () => {
  it('--help lists every flag with its environment variable and default', () => {
    const { status, stdout } = scratchbird('start', '--help');
    expect(status).toBe(0);
    for (const setting of SETTINGS) {
      const start = stdout.indexOf(`  --${setting.name} ${setting.metavar}`);
      expect(start, `--${setting.name}`).toBeGreaterThanOrEqual(0);
      const block = stdout.slice(start, stdout.indexOf('\n  -', start + 1));
      expect(block).toContain(`env ${setting.env}`);
      if ('defaultValue' in setting) expect(block).toContain(`default ${setting.defaultValue}`);
    }
    expect(stdout).toContain('default 5432');
    expect(stdout).toContain('SCRATCHBIRD_DATA, default ./data');
  });

  it('exits 2 with a clear message on a bad flag value', () => {
    const { status, stderr, stdout } = scratchbird('start', '--port', 'http');
    expect(status).toBe(2);
    expect(stderr).toBe('scratchbird start: invalid value for --port: "http"\nhint: Give a port number from 1 to 65535 (0 picks a free port).\n');
    expect(stdout).toBe('');
  });

  it('is listed in the main usage', () => {
    const { status, stdout } = scratchbird('--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}start \[options\] +run a node/m);
    expect(stdout).not.toContain('not part of this build');
  });
});
