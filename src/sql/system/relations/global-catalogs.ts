/**
 * The catalogs of things around relations: schemas, the database, roles, tablespaces,
 * extensions, languages, access methods, collations and types; and the ones ScratchBird has
 * nothing in (foreign data, event triggers, publications, subscriptions, ranges, enums,
 * default ACLs).
 *
 * One database: ScratchBird's data is one database, which each session sees under the name it
 * connected with (pg_database has one row, OID 5, named as current_database()), so joins of
 * pg_database with current_database() and psql's \l agree.
 */
import {
  DATABASE_OID,
  INFORMATION_SCHEMA_NAMESPACE,
  PG_CATALOG_NAMESPACE,
  PUBLIC_NAMESPACE,
  type NamespaceObject,
  type RoleObject,
} from '../../catalog/model.ts';
import { PREDEFINED_MEMBERSHIPS } from '../../catalog/predefined-roles.ts';
import { BUILTIN_TYPES } from '../builtin-types.ts';
import type { SystemContext } from '../context.ts';
import { quoteIdent } from '../identifiers.ts';
import { namespaces, roles } from '../lookup.ts';
import { AM, COLLATION, LANGUAGE, PLPGSQL_EXTENSION, TABLESPACE, UTF8_ENCODING } from '../well-known.ts';
import { noRows, type RowObject, type RowSources } from './rows.ts';

const BOOTSTRAP = 10;
/** pg_database.datfrozenxid of a fresh PostgreSQL 15 cluster; ScratchBird has no xid wraparound. */
const FROZEN_XID = 716;
const PASSWORD_MASK = '********';

/** The schemas every role may use (has_schema_privilege's view): their owner has every
 * privilege, everyone else USAGE, written as PostgreSQL 15's initdb writes their ACLs. */
const SHARED_SCHEMAS: ReadonlySet<number> = new Set([PG_CATALOG_NAMESPACE, INFORMATION_SCHEMA_NAMESPACE, PUBLIC_NAMESPACE]);

function namespaceAcl(ctx: SystemContext, ns: NamespaceObject): string[] | null {
  if (!SHARED_SCHEMAS.has(ns.oid)) return null;
  const owner = ctx.catalog.get(ns.owner);
  const name = owner?.kind === 'role' ? quoteIdent(owner.name) : String(ns.owner);
  return [`${name}=UC/${name}`, `=U/${name}`];
}

function* pgNamespace(ctx: SystemContext): Iterable<RowObject> {
  for (const ns of namespaces(ctx.catalog)) yield { oid: ns.oid, nspname: ns.name, nspowner: ns.owner, nspacl: namespaceAcl(ctx, ns) };
}

function* pgDatabase(ctx: SystemContext): Iterable<RowObject> {
  yield {
    oid: DATABASE_OID, datname: ctx.database, datdba: BOOTSTRAP, encoding: UTF8_ENCODING, datlocprovider: 'c', datistemplate: false,
    datallowconn: true, datconnlimit: -1, datfrozenxid: FROZEN_XID, datminmxid: 1, dattablespace: TABLESPACE.default,
    datcollate: 'C', datctype: 'C', daticulocale: null, datcollversion: null, datacl: null,
  };
}

function validUntil(role: RoleObject): bigint | null {
  return role.validUntil === null ? null : BigInt(role.validUntil);
}

function* pgAuthid(ctx: SystemContext): Iterable<RowObject> {
  for (const role of roles(ctx.catalog)) {
    yield {
      oid: role.oid, rolname: role.name, rolsuper: role.superuser, rolinherit: role.inherit, rolcreaterole: role.createRole,
      rolcreatedb: role.createDb, rolcanlogin: role.login, rolreplication: role.replication, rolbypassrls: role.bypassRls,
      rolconnlimit: role.connectionLimit, rolpassword: role.password, rolvaliduntil: validUntil(role),
    };
  }
}

function* pgRoles(ctx: SystemContext): Iterable<RowObject> {
  for (const role of roles(ctx.catalog)) {
    yield {
      rolname: role.name, rolsuper: role.superuser, rolinherit: role.inherit, rolcreaterole: role.createRole, rolcreatedb: role.createDb,
      rolcanlogin: role.login, rolreplication: role.replication, rolconnlimit: role.connectionLimit,
      rolpassword: role.password === null ? null : PASSWORD_MASK, rolvaliduntil: validUntil(role), rolbypassrls: role.bypassRls,
      rolconfig: null, oid: role.oid,
    };
  }
}

function* pgUser(ctx: SystemContext): Iterable<RowObject> {
  for (const role of roles(ctx.catalog)) {
    if (!role.login) continue;
    yield {
      usename: role.name, usesysid: role.oid, usecreatedb: role.createDb, usesuper: role.superuser, userepl: role.replication,
      usebypassrls: role.bypassRls, passwd: role.password === null ? null : PASSWORD_MASK, valuntil: validUntil(role), useconfig: null,
    };
  }
}

function* pgAuthMembers(ctx: SystemContext): Iterable<RowObject> {
  for (const { role, member } of PREDEFINED_MEMBERSHIPS) {
    if (ctx.catalog.get(role) !== undefined && ctx.catalog.get(member) !== undefined) yield { roleid: role, member, grantor: BOOTSTRAP, admin_option: false };
  }
}

const TABLESPACES: readonly RowObject[] = [
  { oid: TABLESPACE.default, spcname: 'pg_default', spcowner: BOOTSTRAP, spcacl: null, spcoptions: null },
  { oid: TABLESPACE.global, spcname: 'pg_global', spcowner: BOOTSTRAP, spcacl: null, spcoptions: null },
];

const EXTENSIONS: readonly RowObject[] = [
  { oid: PLPGSQL_EXTENSION, extname: 'plpgsql', extowner: BOOTSTRAP, extnamespace: PG_CATALOG_NAMESPACE, extrelocatable: false, extversion: '1.0', extconfig: null, extcondition: null },
];

const LANGUAGES: readonly RowObject[] = [
  { oid: LANGUAGE.internal, lanname: 'internal', lanowner: BOOTSTRAP, lanispl: false, lanpltrusted: false, lanplcallfoid: 0, laninline: 0, lanvalidator: 2246, lanacl: null },
  { oid: LANGUAGE.c, lanname: 'c', lanowner: BOOTSTRAP, lanispl: false, lanpltrusted: false, lanplcallfoid: 0, laninline: 0, lanvalidator: 2247, lanacl: null },
  { oid: LANGUAGE.sql, lanname: 'sql', lanowner: BOOTSTRAP, lanispl: false, lanpltrusted: true, lanplcallfoid: 0, laninline: 0, lanvalidator: 2248, lanacl: null },
  { oid: LANGUAGE.plpgsql, lanname: 'plpgsql', lanowner: BOOTSTRAP, lanispl: true, lanpltrusted: true, lanplcallfoid: 13560, laninline: 13561, lanvalidator: 13562, lanacl: null },
];

/** amhandler values are pg_proc OIDs (regproc). */
const ACCESS_METHODS: readonly RowObject[] = [
  { oid: AM.heap, amname: 'heap', amhandler: 3, amtype: 't' },
  { oid: AM.btree, amname: 'btree', amhandler: 330, amtype: 'i' },
  { oid: AM.hash, amname: 'hash', amhandler: 331, amtype: 'i' },
];

const COLLATIONS: readonly RowObject[] = [
  { oid: COLLATION.default, collname: 'default', collnamespace: PG_CATALOG_NAMESPACE, collowner: BOOTSTRAP, collprovider: 'd', collisdeterministic: true, collencoding: -1, collcollate: null, collctype: null, colliculocale: null, collversion: null },
  { oid: COLLATION.c, collname: 'C', collnamespace: PG_CATALOG_NAMESPACE, collowner: BOOTSTRAP, collprovider: 'c', collisdeterministic: true, collencoding: -1, collcollate: 'C', collctype: 'C', colliculocale: null, collversion: null },
  { oid: COLLATION.posix, collname: 'POSIX', collnamespace: PG_CATALOG_NAMESPACE, collowner: BOOTSTRAP, collprovider: 'c', collisdeterministic: true, collencoding: -1, collcollate: 'POSIX', collctype: 'POSIX', colliculocale: null, collversion: null },
];

function* pgType(): Iterable<RowObject> {
  for (const t of BUILTIN_TYPES) {
    yield {
      oid: t.oid, typname: t.name, typnamespace: PG_CATALOG_NAMESPACE, typowner: BOOTSTRAP, typlen: t.length, typbyval: t.byValue,
      typtype: t.type, typcategory: t.category, typispreferred: t.preferred, typisdefined: true, typdelim: ',', typrelid: 0,
      typsubscript: t.subscript, typelem: t.element, typarray: t.array, typinput: t.input, typoutput: t.output, typreceive: t.receive,
      typsend: t.send, typmodin: t.modIn, typmodout: t.modOut, typanalyze: t.analyze, typalign: t.align, typstorage: t.storage,
      typnotnull: false, typbasetype: 0, typtypmod: -1, typndims: 0, typcollation: t.collation, typdefaultbin: null, typdefault: null, typacl: null,
    };
  }
}

const fixed = (rows: readonly RowObject[]) => (): Iterable<RowObject> => rows;

export const GLOBAL_CATALOGS: RowSources = {
  'pg_catalog.pg_namespace': pgNamespace,
  'pg_catalog.pg_database': pgDatabase,
  'pg_catalog.pg_authid': pgAuthid,
  'pg_catalog.pg_roles': pgRoles,
  'pg_catalog.pg_user': pgUser,
  'pg_catalog.pg_auth_members': pgAuthMembers,
  'pg_catalog.pg_tablespace': fixed(TABLESPACES),
  'pg_catalog.pg_extension': fixed(EXTENSIONS),
  'pg_catalog.pg_language': fixed(LANGUAGES),
  'pg_catalog.pg_am': fixed(ACCESS_METHODS),
  'pg_catalog.pg_collation': fixed(COLLATIONS),
  'pg_catalog.pg_type': pgType,
  'pg_catalog.pg_range': noRows,
  'pg_catalog.pg_enum': noRows,
  'pg_catalog.pg_default_acl': noRows,
  'pg_catalog.pg_event_trigger': noRows,
  'pg_catalog.pg_foreign_data_wrapper': noRows,
  'pg_catalog.pg_foreign_server': noRows,
  'pg_catalog.pg_foreign_table': noRows,
  'pg_catalog.pg_publication': noRows,
  'pg_catalog.pg_publication_namespace': noRows,
  'pg_catalog.pg_publication_rel': noRows,
  'pg_catalog.pg_subscription': noRows,
};
