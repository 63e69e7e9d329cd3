/**
 * Where the SQL catalog lives: JSON records in the engine table `sb_catalog` on the home shard,
 * written by the DDL statement's own transaction, so DDL commits and rolls back with it.
 * `SqlCatalog` keeps the committed state as an immutable snapshot every session reads; a
 * transaction's DDL edits a draft that `publish` makes current after the commit. DDL is
 * serialized (`ddlLock`), so a draft never has to be merged with another.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Shard } from '../../engine/shard.ts';
import type { Transaction } from '../../engine/transaction.ts';
import {
  BOOTSTRAP_SUPERUSER,
  FIRST_USER_OID,
  INFORMATION_SCHEMA_NAMESPACE,
  PG_CATALOG_NAMESPACE,
  PUBLIC_NAMESPACE,
  type CatalogObject,
  type RoleObject,
} from './model.ts';
import { PG_DATABASE_OWNER, predefinedRoles } from './predefined-roles.ts';
import { CatalogSnapshot } from './snapshot.ts';

const CATALOG_TABLE = 'sb_catalog';
const OID_COUNTER = 'next-oid';
/** OIDs are handed out from blocks reserved on disk, so none is ever given twice. */
const OID_BLOCK = 1024n;

export function superuserRole(name: string): RoleObject {
  return {
    kind: 'role', oid: BOOTSTRAP_SUPERUSER, name, owner: BOOTSTRAP_SUPERUSER, superuser: true, login: true, createDb: true,
    createRole: true, inherit: true, replication: true, bypassRls: true, connectionLimit: -1, password: null, validUntil: null,
  };
}

function bootstrapObjects(superuser: string): CatalogObject[] {
  return [
    { kind: 'namespace', oid: PG_CATALOG_NAMESPACE, name: 'pg_catalog', owner: BOOTSTRAP_SUPERUSER, comment: 'system catalog schema' },
    { kind: 'namespace', oid: PUBLIC_NAMESPACE, name: 'public', owner: PG_DATABASE_OWNER, comment: 'standard public schema' },
    { kind: 'namespace', oid: INFORMATION_SCHEMA_NAMESPACE, name: 'information_schema', owner: BOOTSTRAP_SUPERUSER },
    superuserRole(superuser),
  ];
}

export class SqlCatalog {
  private current: CatalogSnapshot;
  private nextOid = 0n;
  private reservedOids = 0n;
  private ddlQueue: Promise<void> = Promise.resolve();

  private constructor(private readonly home: Shard, objects: CatalogObject[]) {
    this.current = CatalogSnapshot.of(objects, 1);
    const next = home.counter(OID_COUNTER) ?? BigInt(FIRST_USER_OID);
    this.nextOid = next;
    this.reservedOids = next;
  }

  /** Loads the catalog from the home shard, creating it (with the bootstrap superuser) on a
   * new shard. */
  static async open(home: Shard, options: { superuser: string }): Promise<SqlCatalog> {
    const tx = home.begin();
    try {
      if (!tx.tableNames().includes(CATALOG_TABLE)) {
        await tx.createTable({ name: CATALOG_TABLE, columns: [{ name: 'oid', type: 'int8' }, { name: 'body', type: 'text', notNull: true }], primaryKey: ['oid'] });
        for (const object of bootstrapObjects(options.superuser)) await tx.insert(CATALOG_TABLE, [BigInt(object.oid), JSON.stringify(object)]);
      }
      const objects: CatalogObject[] = [];
      for (const row of tx.scan(CATALOG_TABLE)) objects.push(JSON.parse(row[1] as string) as CatalogObject);
      // The predefined roles: written into a new catalog, and into one made before ScratchBird had them.
      const stored = new Set(objects.map((o) => o.oid));
      for (const role of predefinedRoles()) {
        if (stored.has(role.oid)) continue;
        await tx.insert(CATALOG_TABLE, [BigInt(role.oid), JSON.stringify(role)]);
        objects.push(role);
      }
      await tx.commit();
      return new SqlCatalog(home, objects);
    } catch (error) {
      if (tx.isActive) await tx.rollback();
      throw error;
    }
  }

  committed(): CatalogSnapshot {
    return this.current;
  }

  /** A fresh OID; blocks are reserved durably before use (`home.syncCounters`). */
  allocateOid(): number {
    if (this.nextOid >= this.reservedOids) {
      this.reservedOids = this.nextOid + OID_BLOCK;
      if (this.reservedOids > 0xffff_ffffn) throw new EngineError(SqlState.programLimitExceeded, 'OID counter exhausted');
      this.home.setCounter(OID_COUNTER, this.reservedOids);
    }
    return Number(this.nextOid++);
  }

  /** Waits for the DDL lock; the returned function releases it (at transaction end). */
  async lockDdl(): Promise<() => void> {
    let release!: () => void;
    const previous = this.ddlQueue;
    this.ddlQueue = new Promise((resolve) => (release = resolve));
    await previous;
    return release;
  }

  /** Writes the changed objects in the DDL transaction on the home shard. */
  async persist(tx: Transaction, changed: ReadonlyMap<number, CatalogObject | null>): Promise<void> {
    for (const [oid, object] of changed) {
      const key = [BigInt(oid)];
      if (object === null) await tx.delete(CATALOG_TABLE, key);
      else if (tx.get(CATALOG_TABLE, key) === undefined) await tx.insert(CATALOG_TABLE, [BigInt(oid), JSON.stringify(object)]);
      else await tx.update(CATALOG_TABLE, key, [BigInt(oid), JSON.stringify(object)]);
    }
  }

  /** Makes a committed transaction's draft the catalog every session sees. */
  publish(draft: CatalogSnapshot): void {
    this.current = draft.committedAs(this.current.version + 1);
  }
}
