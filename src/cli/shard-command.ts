/** `scratchbird shard …`: offline maintenance of one shard directory. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Shard } from '../engine/index.ts';

const USAGE = `Usage:
  scratchbird shard info DIR [--json]    tables, markers (OIT/OAT/OST/next), log bounds, size
  scratchbird shard sweep DIR            garbage-collect every record and advance the OIT
  scratchbird shard copy DIR TARGET      consistent copy of the shard into TARGET

The shard must not be open in another process (a running node holds its shards).
`;

export async function shardCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  const [action, dir, target] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  if (dir === undefined || (action === 'copy' && target === undefined)) {
    process.stderr.write(`scratchbird shard ${action}: missing argument\n\n${USAGE}`);
    return 2;
  }
  const shard = await Shard.open(dir, { create: false });
  try {
    if (action === 'info') return await info(shard, dir, values.json === true);
    if (action === 'sweep') {
      process.stdout.write(`sweeping ${dir} …\n`);
      const report = await shard.sweep();
      process.stdout.write(`visited ${report.recordsVisited} records, removed ${report.versionsRemoved} versions ` +
        `(${report.recordsRemoved} records gone), ${report.orphansRemoved} orphaned entries; OIT now ${report.oit}\n`);
      return 0;
    }
    if (action === 'copy') {
      await shard.hotCopy(target as string);
      process.stdout.write(`copied ${dir} to ${target}\n`);
      return 0;
    }
    process.stderr.write(`scratchbird shard: unknown action "${action}"\n\n${USAGE}`);
    return 2;
  } finally {
    await shard.close();
  }
}

async function info(shard: Shard, dir: string, json: boolean): Promise<number> {
  const tx = shard.begin({ readOnly: true });
  const tables = tx.tableNames().map((name) => {
    const t = tx.table(name);
    return { name, id: t.id, columns: t.stored.columns.map((c) => `${c.name} ${c.type}`), primaryKey: t.stored.primaryKey, indexes: t.indexes.map((ix) => ix.name) };
  });
  await tx.commit(); // so the markers below do not count this reader as active
  const report = { dir, bytes: statSync(join(dir, 'data.mdb')).size, schemaVersion: shard.schemaVersion, markers: shard.markers(), log: shard.logBounds(), tables };
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { oit, oat, ost, next } = report.markers;
    process.stdout.write(`shard ${dir}: ${report.bytes} bytes, schema version ${report.schemaVersion}\n`);
    process.stdout.write(`transactions: OIT ${oit}  OAT ${oat}  OST ${ost}  next ${next}\n`);
    process.stdout.write(`write-after log: ${report.log.next > report.log.first ? `LSN ${report.log.first} … ${report.log.next - 1}` : 'empty'}\n`);
    for (const t of tables) process.stdout.write(`table ${t.name} (${t.columns.join(', ')}) primary key (${t.primaryKey.join(', ')})${t.indexes.length ? ` indexes ${t.indexes.join(', ')}` : ''}\n`);
  }
  return 0;
}
