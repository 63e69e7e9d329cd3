import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/ops/observability/logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level by name and an ISO time', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination, bindings: { nodeId: 'n1' } });
    logger.warn({ port: 5432 }, 'listening');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', nodeId: 'n1', port: 5432, msg: 'listening', pid: process.pid });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
  });

  it('drops lines below the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('quiet');
    logger.error('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });
});
