/**
 * One schema built two ways: as DDL for a real PostgreSQL, and as the SQL catalog objects
 * ScratchBird's DDL makes for it, plus the session contexts the system catalogs read.
 * OIDs are ScratchBird's own; tests compare by name.
 */
import type { CatalogObject, ColumnObject, IndexObject, TableObject } from '../../../src/sql/catalog/model.ts';
import { BOOTSTRAP_SUPERUSER, INFORMATION_SCHEMA_NAMESPACE, PG_CATALOG_NAMESPACE, PUBLIC_NAMESPACE } from '../../../src/sql/catalog/model.ts';
import { CatalogSnapshot } from '../../../src/sql/catalog/snapshot.ts';
import { superuserRole } from '../../../src/sql/catalog/store.ts';
import type { CatalogFunctionContext, SettingInfo } from '../../../src/sql/system/index.ts';

export const DDL = `
CREATE TABLE customers (
  id serial PRIMARY KEY,
  name varchar(40) NOT NULL DEFAULT 'anonymous',
  email text UNIQUE,
  balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0),
  created timestamptz DEFAULT now(),
  tags text[] DEFAULT '{}',
  code char(3),
  active boolean DEFAULT true
);
COMMENT ON TABLE customers IS 'people who buy';
COMMENT ON COLUMN customers.email IS 'where to write';
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  amount numeric(10,2) NOT NULL,
  status varchar(10) DEFAULT 'new',
  note text,
  placed date DEFAULT CURRENT_DATE,
  CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped')),
  CONSTRAINT orders_amount_check CHECK (amount > 0 AND amount < 1000000)
);
CREATE INDEX orders_placed_idx ON orders (placed DESC, customer_id);
CREATE UNIQUE INDEX customers_lower_name ON customers (code NULLS FIRST);
CREATE SCHEMA sales;
CREATE TABLE sales."Region" (code int, name text, "Mixed Case" int, PRIMARY KEY (code, name));
CREATE TABLE sales.items (
  region_code int,
  region_name text,
  qty smallint CHECK (qty BETWEEN 1 AND 100),
  price float8,
  FOREIGN KEY (region_code, region_name) REFERENCES sales."Region" ON UPDATE RESTRICT ON DELETE SET NULL
);
CREATE SEQUENCE counter START 5 INCREMENT 2;
CREATE VIEW big_orders AS SELECT id, customer_id, amount FROM orders WHERE amount > 100;
CREATE VIEW customer_totals AS SELECT c.name, sum(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY 2 DESC LIMIT 10;
`;

const column = (name: string, type: string, extra: Partial<ColumnObject> = {}): ColumnObject => ({ name, type, notNull: false, default: null, identity: null, ...extra });

function index(oid: number, name: string, columns: [number, boolean?, boolean?][], extra: Partial<IndexObject> = {}): IndexObject {
  return {
    oid, name, unique: false, constraint: null, primary: false, storageKey: false, constraintOid: null,
    columns: columns.map(([c, descending = false, nullsFirst]) => ({ column: c, descending, nullsFirst: nullsFirst ?? descending })),
    ...extra,
  };
}

function table(oid: number, name: string, namespace: number, fields: Partial<TableObject>): TableObject {
  return { kind: 'table', oid, name, namespace, owner: BOOTSTRAP_SUPERUSER, columns: [], indexes: [], checks: [], foreignKeys: [], partitionKey: null, replication: null, options: [], ...fields };
}

export const SALES = 16500;
export const OID = { customers: 16400, orders: 16410, region: 16510, items: 16520, counter: 16600, bigOrders: 16700, totals: 16710 };

export function catalogObjects(): CatalogObject[] {
  const customers = table(OID.customers, 'customers', PUBLIC_NAMESPACE, {
    comment: 'people who buy',
    columns: [
      column('id', 'int4', { notNull: true, default: "nextval('customers_id_seq'::regclass)" }),
      column('name', 'varchar(40)', { notNull: true, default: "'anonymous'" }),
      column('email', 'text', { comment: 'where to write' }),
      column('balance', 'numeric(12,2)', { default: '0' }),
      column('created', 'timestamptz', { default: 'now()' }),
      column('tags', 'text[]', { default: "'{}'" }),
      column('code', 'char(3)'),
      column('active', 'bool', { default: 'true' }),
    ],
    indexes: [
      index(16402, 'customers_pkey', [[0]], { unique: true, primary: true, constraint: 'customers_pkey', constraintOid: 16403, storageKey: true }),
      index(16404, 'customers_email_key', [[2]], { unique: true, constraint: 'customers_email_key', constraintOid: 16405 }),
      index(16406, 'customers_lower_name', [[6, false, true]], { unique: true }),
    ],
    checks: [{ oid: 16407, name: 'customers_balance_check', expr: 'balance >= 0' }],
  });
  const orders = table(OID.orders, 'orders', PUBLIC_NAMESPACE, {
    columns: [
      column('id', 'int8', { notNull: true, identity: 'a' }),
      column('customer_id', 'int4', { notNull: true }),
      column('amount', 'numeric(10,2)', { notNull: true }),
      column('status', 'varchar(10)', { default: "'new'" }),
      column('note', 'text'),
      column('placed', 'date', { default: 'CURRENT_DATE' }),
    ],
    indexes: [
      index(16412, 'orders_pkey', [[0]], { unique: true, primary: true, constraint: 'orders_pkey', constraintOid: 16413, storageKey: true }),
      index(16414, 'orders_placed_idx', [[5, true], [1]]),
    ],
    checks: [
      { oid: 16415, name: 'orders_status_check', expr: "status IN ('new', 'paid', 'shipped')" },
      { oid: 16416, name: 'orders_amount_check', expr: 'amount > 0 AND amount < 1000000' },
    ],
    foreignKeys: [{ oid: 16417, name: 'orders_customer_id_fkey', columns: [1], refTable: OID.customers, refColumns: [0], refIndex: 16402, onDelete: 'c', onUpdate: 'a', deleteSetColumns: null, match: 's' }],
  });
  const region = table(OID.region, 'Region', SALES, {
    columns: [column('code', 'int4', { notNull: true }), column('name', 'text', { notNull: true }), column('Mixed Case', 'int4')],
    indexes: [index(16512, 'Region_pkey', [[0], [1]], { unique: true, primary: true, constraint: 'Region_pkey', constraintOid: 16513, storageKey: true })],
  });
  const items = table(OID.items, 'items', SALES, {
    columns: [column('region_code', 'int4'), column('region_name', 'text'), column('qty', 'int2'), column('price', 'float8')],
    checks: [{ oid: 16521, name: 'items_qty_check', expr: 'qty BETWEEN 1 AND 100' }],
    foreignKeys: [{ oid: 16522, name: 'items_region_code_region_name_fkey', columns: [0, 1], refTable: OID.region, refColumns: [0, 1], refIndex: 16512, onDelete: 'n', onUpdate: 'r', deleteSetColumns: null, match: 's' }],
  });
  const sequence = (oid: number, name: string, type: 'int4' | 'int8', start: string, increment: string, max: string, ownedBy: { table: number; column: number } | null): CatalogObject => ({
    kind: 'sequence', oid, name, namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER, type, start, increment, min: '1', max, cache: 1, cycle: false, ownedBy,
  });
  return [
    { kind: 'namespace', oid: PG_CATALOG_NAMESPACE, name: 'pg_catalog', owner: BOOTSTRAP_SUPERUSER, comment: 'system catalog schema' },
    { kind: 'namespace', oid: PUBLIC_NAMESPACE, name: 'public', owner: BOOTSTRAP_SUPERUSER, comment: 'standard public schema' },
    { kind: 'namespace', oid: INFORMATION_SCHEMA_NAMESPACE, name: 'information_schema', owner: BOOTSTRAP_SUPERUSER },
    { kind: 'namespace', oid: SALES, name: 'sales', owner: BOOTSTRAP_SUPERUSER },
    superuserRole('postgres'),
    customers,
    orders,
    region,
    items,
    sequence(16401, 'customers_id_seq', 'int4', '1', '1', '2147483647', { table: OID.customers, column: 0 }),
    sequence(16411, 'orders_id_seq', 'int8', '1', '1', '9223372036854775807', { table: OID.orders, column: 0 }),
    sequence(OID.counter, 'counter', 'int8', '5', '2', '9223372036854775807', null),
    {
      kind: 'view', oid: OID.bigOrders, name: 'big_orders', namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER,
      query: 'SELECT id, customer_id, amount FROM orders WHERE amount > 100',
      columns: [{ name: 'id', type: 'int8' }, { name: 'customer_id', type: 'int4' }, { name: 'amount', type: 'numeric(10,2)' }],
    },
    {
      kind: 'view', oid: OID.totals, name: 'customer_totals', namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER,
      query: 'SELECT c.name, sum(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY 2 DESC LIMIT 10',
      columns: [{ name: 'name', type: 'varchar(40)' }, { name: 'total', type: 'numeric' }],
    },
  ];
}

export const SETTINGS: readonly SettingInfo[] = [
  { name: 'TimeZone', setting: 'UTC', category: 'Client Connection Defaults / Locale and Formatting', shortDesc: 'Sets the time zone for displaying and interpreting time stamps.', context: 'user', vartype: 'string', source: 'default' },
  { name: 'work_mem', setting: '4096', display: '4MB', unit: 'kB', category: 'Resource Usage / Memory', shortDesc: 'Sets the maximum memory to be used for query workspaces.', context: 'user', vartype: 'integer', source: 'default', minVal: '64', maxVal: '2147483647' },
];

export function context(overrides: Partial<CatalogFunctionContext> = {}): CatalogFunctionContext {
  return {
    catalog: CatalogSnapshot.of(catalogObjects(), 1),
    currentUser: 'postgres',
    sessionUser: 'postgres',
    database: 'postgres',
    searchPath: ['$user', 'public'],
    settings: SETTINGS,
    sessions: () => [],
    advisoryLocks: () => [],
    tableStats: () => undefined,
    relationSize: () => 0,
    databaseSize: () => 0,
    serverVersion: '15.0',
    backendPid: 4242,
    serverStartTime: 0n,
    serverAddress: '127.0.0.1',
    serverPort: 5432,
    clientAddress: '127.0.0.1',
    clientPort: 50000,
    inRecovery: false,
    timeZone: 'UTC',
    setConfig: () => '',
    transactionId: () => 1n,
    ...overrides,
  };
}
