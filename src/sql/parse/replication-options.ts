/**
 * ScratchBird's replication settings of a table, written as PostgreSQL table options:
 *
 *   CREATE TABLE … WITH (replication_mode = 'primary_replica' | 'leaderless_quorum',
 *                        replication_factor = n, write_quorum = w, read_quorum = r)
 *
 * PostgreSQL's grammar already parses them (CreateStmt.options); this checks them. Values are
 * read as PostgreSQL reads reloptions, as text (so `= 3` and `= '3'` are the same), and bad ones
 * get PostgreSQL's reloption messages and SQLSTATE 22023.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { errorPosition, integerValue, nodeAs, stringList, type CreateStmt, type DefElem, type NodeOf } from './ast.ts';

export type ReplicationMode = 'primary_replica' | 'leaderless_quorum';

export interface ReplicationSettings {
  readonly mode: ReplicationMode;
  /** Copies of each row (n). */
  readonly factor: number;
  /** Copies a write must reach before it commits (w ≤ n). */
  readonly writeQuorum: number;
  /** Copies a read consults (r ≤ n). */
  readonly readQuorum: number;
}

export interface TableOptions {
  /** Undefined when none of the four options is given. */
  readonly replication: ReplicationSettings | undefined;
  /** NOTICE messages to send the client (settings that are allowed but risky). */
  readonly notices: readonly string[];
  /** Every other WITH (…) option (fillfactor, autovacuum_enabled, …), untouched. */
  readonly otherOptions: readonly NodeOf<'DefElem'>[];
}

const modes: readonly ReplicationMode[] = ['primary_replica', 'leaderless_quorum'];
const optionNames = ['replication_mode', 'replication_factor', 'write_quorum', 'read_quorum'] as const;
type OptionName = (typeof optionNames)[number];
const int4Max = 2147483647;

/**
 * The replication settings of a CREATE TABLE. Missing ones default to: mode primary_replica,
 * factor 1 (one node today), each quorum a majority of the factor (⌊n/2⌋ + 1).
 * Throws 22023 for an unknown mode, a value that is not a positive integer, an option given
 * twice, or a quorum above the factor; a notice says when w + r ≤ n lets reads miss writes.
 */
export function replicationOptions(stmt: CreateStmt): TableOptions {
  const given = new Map<OptionName, DefElem>();
  const otherOptions: NodeOf<'DefElem'>[] = [];
  for (const option of stmt.options ?? []) {
    const name = replicationOptionName(option.DefElem);
    if (name === undefined) {
      otherOptions.push(option);
      continue;
    }
    if (given.has(name)) throw invalid(`parameter "${name}" specified more than once`, option.DefElem);
    given.set(name, option.DefElem);
  }
  if (given.size === 0) return { replication: undefined, notices: [], otherOptions };

  const modeOption = given.get('replication_mode');
  const mode = modeOption === undefined ? 'primary_replica' : modeOf(modeOption);
  const factorOption = given.get('replication_factor');
  const factor = factorOption === undefined ? 1 : positiveInteger(factorOption);
  const majority = Math.floor(factor / 2) + 1;
  const writeOption = given.get('write_quorum');
  const readOption = given.get('read_quorum');
  const writeQuorum = writeOption === undefined ? majority : positiveInteger(writeOption);
  const readQuorum = readOption === undefined ? majority : positiveInteger(readOption);
  if (writeQuorum > factor) throw invalid(`write_quorum (${writeQuorum}) cannot exceed replication_factor (${factor})`, writeOption);
  if (readQuorum > factor) throw invalid(`read_quorum (${readQuorum}) cannot exceed replication_factor (${factor})`, readOption);
  const notices =
    writeQuorum + readQuorum <= factor
      ? [`reads may be stale: write_quorum + read_quorum (${writeQuorum + readQuorum}) ≤ replication_factor (${factor})`]
      : [];
  return { replication: { mode, factor, writeQuorum, readQuorum }, notices, otherOptions };
}

function replicationOptionName(option: DefElem): OptionName | undefined {
  if (option.defnamespace !== undefined) return undefined;
  return optionNames.find((name) => name === option.defname);
}

function modeOf(option: DefElem): ReplicationMode {
  const text = optionText(option);
  const mode = modes.find((candidate) => candidate === text);
  if (mode !== undefined) return mode;
  throw invalid(`invalid value for enum option "${option.defname}": ${text}`, option, 'Valid values are "primary_replica" and "leaderless_quorum".');
}

function positiveInteger(option: DefElem): number {
  const text = optionText(option);
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalid(`invalid value for integer option "${option.defname}": ${text}`, option);
  const value = Number(text);
  if (value < 1 || value > int4Max) {
    throw invalid(`value ${text.trim()} out of bounds for option "${option.defname}"`, option, `Valid values are between "1" and "${int4Max}".`);
  }
  return value;
}

/** An option's value as the text PostgreSQL stores in reloptions (defGetString); a bare
 * option name means true. */
function optionText(option: DefElem): string {
  const { arg } = option;
  if (arg === undefined) return 'true';
  const integer = nodeAs(arg, 'Integer');
  if (integer !== undefined) return String(integerValue(integer));
  const string = nodeAs(arg, 'String');
  if (string !== undefined) return string.sval;
  const float = nodeAs(arg, 'Float');
  if (float !== undefined) return float.fval;
  const boolean = nodeAs(arg, 'Boolean');
  if (boolean !== undefined) return boolean.boolval === true ? 'true' : 'false';
  const word = nodeAs(arg, 'TypeName');
  if (word !== undefined) return stringList(word.names).join('.');
  throw invalid(`invalid value for option "${option.defname}"`, option);
}

function invalid(message: string, option: DefElem | undefined, detail?: string): EngineError {
  return new EngineError(SqlState.invalidParameterValue, message, { detail, position: option && errorPosition(option.location) });
}
