/**
 * PostgreSQL 15's predefined roles (pg_monitor, pg_database_owner, …) with their OIDs: every
 * database has them, none can log in, and like every name starting with "pg_" they are
 * reserved. pg_database_owner owns a new database's public schema, as in PostgreSQL 15; its
 * one implicit member is the database's owner.
 */
import { BOOTSTRAP_SUPERUSER, type RoleObject } from './model.ts';

export const PG_DATABASE_OWNER = 6171;

const PREDEFINED: readonly (readonly [number, string])[] = [
  [3373, 'pg_monitor'],
  [3374, 'pg_read_all_settings'],
  [3375, 'pg_read_all_stats'],
  [3377, 'pg_stat_scan_tables'],
  [4200, 'pg_signal_backend'],
  [4544, 'pg_checkpoint'],
  [4569, 'pg_read_server_files'],
  [4570, 'pg_write_server_files'],
  [4571, 'pg_execute_server_program'],
  [PG_DATABASE_OWNER, 'pg_database_owner'],
  [6181, 'pg_read_all_data'],
  [6182, 'pg_write_all_data'],
];

const OIDS: ReadonlySet<number> = new Set(PREDEFINED.map(([oid]) => oid));

export function predefinedRoles(): RoleObject[] {
  return PREDEFINED.map(([oid, name]) => ({
    kind: 'role', oid, name, owner: BOOTSTRAP_SUPERUSER, superuser: false, login: false, createDb: false, createRole: false,
    inherit: true, replication: false, bypassRls: false, connectionLimit: -1, password: null, validUntil: null,
  }));
}

export function isPredefinedRole(oid: number): boolean {
  return OIDS.has(oid);
}

/** PostgreSQL reserves role names starting with "pg_" for its own roles. */
export function isReservedRoleName(name: string): boolean {
  return name.startsWith('pg_');
}

/** pg_auth_members' rows of PostgreSQL 15: pg_monitor is a member of the roles it bundles. */
export const PREDEFINED_MEMBERSHIPS: readonly { readonly role: number; readonly member: number }[] = [
  { role: 3374, member: 3373 },
  { role: 3375, member: 3373 },
  { role: 3377, member: 3373 },
];
