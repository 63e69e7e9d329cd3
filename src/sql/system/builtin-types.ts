/**
 * The types in ScratchBird's pg_type: every type SQL can use (the engine's, the SQL-only ones of
 * src/sql/types/sql-type.ts and their arrays) plus the pseudo-types their I/O functions and the
 * access methods' handlers are declared with, with PostgreSQL 15's OIDs and attributes; and the
 * pg_proc entries of those functions, so regproc columns (typinput, amhandler, …) print names.
 */

/** A pg_type row's attributes that vary between types. */
export interface BuiltinType {
  readonly oid: number;
  readonly name: string;
  readonly length: number;
  readonly byValue: boolean;
  /** typtype: b base, p pseudo. */
  readonly type: 'b' | 'p';
  readonly category: string;
  readonly preferred: boolean;
  readonly align: string;
  readonly storage: string;
  readonly collation: number;
  readonly element: number;
  readonly array: number;
  readonly subscript: number;
  readonly input: number;
  readonly output: number;
  readonly receive: number;
  readonly send: number;
  readonly modIn: number;
  readonly modOut: number;
  readonly analyze: number;
}

type Row = [number, string, number, boolean, 'b' | 'p', string, boolean, string, string, number, number, number, [number, number, number, number, number, number, number, number]];

// oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typalign, typstorage,
// typcollation, typelem, typarray, [typsubscript, typinput, typoutput, typreceive, typsend,
// typmodin, typmodout, typanalyze]
const BASE: readonly Row[] = [
  [16, 'bool', 1, true, 'b', 'B', true, 'c', 'p', 0, 0, 1000, [0, 1242, 1243, 2436, 2437, 0, 0, 0]],
  [17, 'bytea', -1, false, 'b', 'U', false, 'i', 'x', 0, 0, 1001, [0, 1244, 31, 2412, 2413, 0, 0, 0]],
  [18, 'char', 1, true, 'b', 'Z', false, 'c', 'p', 0, 0, 1002, [0, 1245, 33, 2434, 2435, 0, 0, 0]],
  [19, 'name', 64, false, 'b', 'S', false, 'c', 'p', 950, 18, 1003, [6180, 34, 35, 2422, 2423, 0, 0, 0]],
  [20, 'int8', 8, true, 'b', 'N', false, 'd', 'p', 0, 0, 1016, [0, 460, 461, 2408, 2409, 0, 0, 0]],
  [21, 'int2', 2, true, 'b', 'N', false, 's', 'p', 0, 0, 1005, [0, 38, 39, 2404, 2405, 0, 0, 0]],
  [22, 'int2vector', -1, false, 'b', 'A', false, 'i', 'p', 0, 21, 1006, [6179, 40, 41, 2410, 2411, 0, 0, 0]],
  [23, 'int4', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 1007, [0, 42, 43, 2406, 2407, 0, 0, 0]],
  [24, 'regproc', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 1008, [0, 44, 45, 2444, 2445, 0, 0, 0]],
  [25, 'text', -1, false, 'b', 'S', true, 'i', 'x', 100, 0, 1009, [0, 46, 47, 2414, 2415, 0, 0, 0]],
  [26, 'oid', 4, true, 'b', 'N', true, 'i', 'p', 0, 0, 1028, [0, 1798, 1799, 2418, 2419, 0, 0, 0]],
  [30, 'oidvector', -1, false, 'b', 'A', false, 'i', 'p', 0, 26, 1013, [6179, 54, 55, 2420, 2421, 0, 0, 0]],
  [114, 'json', -1, false, 'b', 'U', false, 'i', 'x', 0, 0, 199, [0, 321, 322, 323, 324, 0, 0, 0]],
  [269, 'table_am_handler', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 267, 268, 0, 0, 0, 0, 0]],
  [325, 'index_am_handler', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 326, 327, 0, 0, 0, 0, 0]],
  [700, 'float4', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 1021, [0, 200, 201, 2424, 2425, 0, 0, 0]],
  [701, 'float8', 8, true, 'b', 'N', true, 'd', 'p', 0, 0, 1022, [0, 214, 215, 2426, 2427, 0, 0, 0]],
  [705, 'unknown', -2, false, 'p', 'X', false, 'c', 'p', 0, 0, 0, [0, 109, 110, 2416, 2417, 0, 0, 0]],
  [1042, 'bpchar', -1, false, 'b', 'S', false, 'i', 'x', 100, 0, 1014, [0, 1044, 1045, 2430, 2431, 2913, 2914, 0]],
  [1043, 'varchar', -1, false, 'b', 'S', false, 'i', 'x', 100, 0, 1015, [0, 1046, 1047, 2432, 2433, 2915, 2916, 0]],
  [1082, 'date', 4, true, 'b', 'D', false, 'i', 'p', 0, 0, 1182, [0, 1084, 1085, 2468, 2469, 0, 0, 0]],
  [1083, 'time', 8, true, 'b', 'D', false, 'd', 'p', 0, 0, 1183, [0, 1143, 1144, 2470, 2471, 2909, 2910, 0]],
  [1114, 'timestamp', 8, true, 'b', 'D', false, 'd', 'p', 0, 0, 1115, [0, 1312, 1313, 2474, 2475, 2905, 2906, 0]],
  [1184, 'timestamptz', 8, true, 'b', 'D', true, 'd', 'p', 0, 0, 1185, [0, 1150, 1151, 2476, 2477, 2907, 2908, 0]],
  [1186, 'interval', 16, false, 'b', 'T', true, 'd', 'p', 0, 0, 1187, [0, 1160, 1161, 2478, 2479, 2903, 2904, 0]],
  [1700, 'numeric', -1, false, 'b', 'N', false, 'i', 'm', 0, 0, 1231, [0, 1701, 1702, 2460, 2461, 2917, 2918, 0]],
  [2205, 'regclass', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 2210, [0, 2218, 2219, 2452, 2453, 0, 0, 0]],
  [2206, 'regtype', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 2211, [0, 2220, 2221, 2454, 2455, 0, 0, 0]],
  [2249, 'record', -1, false, 'p', 'P', false, 'd', 'x', 0, 0, 2287, [0, 2290, 2291, 2402, 2403, 0, 0, 0]],
  [2275, 'cstring', -2, false, 'p', 'P', false, 'c', 'p', 0, 0, 1263, [0, 2292, 2293, 2500, 2501, 0, 0, 0]],
  [2277, 'anyarray', -1, false, 'p', 'P', false, 'd', 'x', 0, 0, 0, [0, 2296, 2297, 2502, 2503, 0, 0, 0]],
  [2278, 'void', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 2298, 2299, 3120, 3121, 0, 0, 0]],
  [2281, 'internal', 8, true, 'p', 'P', false, 'd', 'p', 0, 0, 0, [0, 2304, 2305, 0, 0, 0, 0, 0]],
  [2283, 'anyelement', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 2312, 2313, 0, 0, 0, 0, 0]],
  [2776, 'anynonarray', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 2777, 2778, 0, 0, 0, 0, 0]],
  [2950, 'uuid', 16, false, 'b', 'U', false, 'c', 'p', 0, 0, 2951, [0, 2952, 2953, 2961, 2962, 0, 0, 0]],
  [3802, 'jsonb', -1, false, 'b', 'U', false, 'i', 'x', 0, 0, 3807, [6098, 3806, 3804, 3805, 3803, 0, 0, 0]],
  [4089, 'regnamespace', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 4090, [0, 4084, 4085, 4087, 4088, 0, 0, 0]],
  [4096, 'regrole', 4, true, 'b', 'N', false, 'i', 'p', 0, 0, 4097, [0, 4098, 4092, 4094, 4095, 0, 0, 0]],
  [5077, 'anycompatible', 4, true, 'p', 'P', false, 'i', 'p', 0, 0, 0, [0, 5086, 5087, 0, 0, 0, 0, 0]],
  [5078, 'anycompatiblearray', -1, false, 'p', 'P', false, 'd', 'x', 0, 0, 0, [0, 5088, 5089, 5090, 5091, 0, 0, 0]],
];

const ARRAY_SUBSCRIPT_HANDLER = 6179;
const ARRAY_IN = 750;
const ARRAY_OUT = 751;
const ARRAY_RECV = 2400;
const ARRAY_SEND = 2401;
const ARRAY_TYPANALYZE = 3816;
const RECORD = 2249;

function baseType([oid, name, length, byValue, type, category, preferred, align, storage, collation, element, array, io]: Row): BuiltinType {
  const [subscript, input, output, receive, send, modIn, modOut, analyze] = io;
  return { oid, name, length, byValue, type, category, preferred, align, storage, collation, element, array, subscript, input, output, receive, send, modIn, modOut, analyze };
}

/** Array types all share array_in/out and take their element's typmod functions; an array of
 * records is itself a pseudo-type. */
function arrayOf(element: BuiltinType): BuiltinType {
  const pseudo = element.oid === RECORD;
  return {
    oid: element.array, name: `_${element.name}`, length: -1, byValue: false, type: pseudo ? 'p' : 'b', category: pseudo ? 'P' : 'A',
    preferred: false, align: element.align === 'd' ? 'd' : 'i', storage: 'x', collation: element.collation, element: element.oid, array: 0,
    subscript: ARRAY_SUBSCRIPT_HANDLER, input: ARRAY_IN, output: ARRAY_OUT, receive: ARRAY_RECV, send: ARRAY_SEND,
    modIn: element.modIn, modOut: element.modOut, analyze: ARRAY_TYPANALYZE,
  };
}

function allTypes(): BuiltinType[] {
  const types: BuiltinType[] = [];
  for (const row of BASE) {
    const type = baseType(row);
    types.push(type);
    if (type.array !== 0) types.push(arrayOf(type));
  }
  return types.sort((a, b) => a.oid - b.oid);
}

export const BUILTIN_TYPES: readonly BuiltinType[] = allTypes();

const BY_OID = new Map(BUILTIN_TYPES.map((t) => [t.oid, t]));
const BY_NAME = new Map(BUILTIN_TYPES.map((t) => [t.name, t]));

export function builtinType(oid: number): BuiltinType | undefined {
  return BY_OID.get(oid);
}

/** By pg_type.typname: 'int4', '_text', 'bpchar', 'char' (PostgreSQL's "char"). */
export function builtinTypeNamed(typname: string): BuiltinType | undefined {
  return BY_NAME.get(typname);
}

/** A built-in function's pg_proc facts. */
export interface BuiltinProc {
  readonly oid: number;
  readonly name: string;
  readonly argTypes: readonly number[];
  readonly returnType: number;
  readonly volatility: 'i' | 's' | 'v';
  readonly strict: boolean;
}

type ProcRow = [number, string, number[], number, 'i' | 's' | 'v', false?];

// The I/O, typmod, subscript and analyze functions of the types above and the access methods'
// handlers: oid, proname, proargtypes, prorettype, provolatile[, not strict].
const PROCS: readonly ProcRow[] = [
  [3, 'heap_tableam_handler', [2281], 269, 'v'], [31, 'byteaout', [17], 2275, 'i'], [33, 'charout', [18], 2275,
  'i'], [34, 'namein', [2275], 19, 'i'], [35, 'nameout', [19], 2275, 'i'], [38, 'int2in', [2275], 21, 'i'], [39,
  'int2out', [21], 2275, 'i'], [40, 'int2vectorin', [2275], 22, 'i'], [41, 'int2vectorout', [22], 2275, 'i'],
  [42, 'int4in', [2275], 23, 'i'], [43, 'int4out', [23], 2275, 'i'], [44, 'regprocin', [2275], 24, 's'], [45,
  'regprocout', [24], 2275, 's'], [46, 'textin', [2275], 25, 'i'], [47, 'textout', [25], 2275, 'i'], [54,
  'oidvectorin', [2275], 30, 'i'], [55, 'oidvectorout', [30], 2275, 'i'], [109, 'unknownin', [2275], 705, 'i'],
  [110, 'unknownout', [705], 2275, 'i'], [200, 'float4in', [2275], 700, 'i'], [201, 'float4out', [700], 2275,
  'i'], [214, 'float8in', [2275], 701, 'i'], [215, 'float8out', [701], 2275, 'i'], [267, 'table_am_handler_in',
  [2275], 269, 'i', false], [268, 'table_am_handler_out', [269], 2275, 'i'], [321, 'json_in', [2275], 114, 'i'],
  [322, 'json_out', [114], 2275, 'i'], [323, 'json_recv', [2281], 114, 'i'], [324, 'json_send', [114], 17, 'i'],
  [326, 'index_am_handler_in', [2275], 325, 'i', false], [327, 'index_am_handler_out', [325], 2275, 'i'], [330,
  'bthandler', [2281], 325, 'v'], [331, 'hashhandler', [2281], 325, 'v'], [460, 'int8in', [2275], 20, 'i'], [461,
  'int8out', [20], 2275, 'i'], [750, 'array_in', [2275, 26, 23], 2277, 's'], [751, 'array_out', [2277], 2275,
  's'], [1044, 'bpcharin', [2275, 26, 23], 1042, 'i'], [1045, 'bpcharout', [1042], 2275, 'i'], [1046,
  'varcharin', [2275, 26, 23], 1043, 'i'], [1047, 'varcharout', [1043], 2275, 'i'], [1084, 'date_in', [2275],
  1082, 's'], [1085, 'date_out', [1082], 2275, 's'], [1143, 'time_in', [2275, 26, 23], 1083, 's'], [1144,
  'time_out', [1083], 2275, 'i'], [1150, 'timestamptz_in', [2275, 26, 23], 1184, 's'], [1151, 'timestamptz_out',
  [1184], 2275, 's'], [1160, 'interval_in', [2275, 26, 23], 1186, 's'], [1161, 'interval_out', [1186], 2275,
  's'], [1242, 'boolin', [2275], 16, 'i'], [1243, 'boolout', [16], 2275, 'i'], [1244, 'byteain', [2275], 17,
  'i'], [1245, 'charin', [2275], 18, 'i'], [1312, 'timestamp_in', [2275, 26, 23], 1114, 's'], [1313,
  'timestamp_out', [1114], 2275, 's'], [1701, 'numeric_in', [2275, 26, 23], 1700, 'i'], [1702, 'numeric_out',
  [1700], 2275, 'i'], [1798, 'oidin', [2275], 26, 'i'], [1799, 'oidout', [26], 2275, 'i'], [2218, 'regclassin',
  [2275], 2205, 's'], [2219, 'regclassout', [2205], 2275, 's'], [2220, 'regtypein', [2275], 2206, 's'], [2221,
  'regtypeout', [2206], 2275, 's'], [2290, 'record_in', [2275, 26, 23], 2249, 's'], [2291, 'record_out', [2249],
  2275, 's'], [2292, 'cstring_in', [2275], 2275, 'i'], [2293, 'cstring_out', [2275], 2275, 'i'], [2296,
  'anyarray_in', [2275], 2277, 'i'], [2297, 'anyarray_out', [2277], 2275, 's'], [2298, 'void_in', [2275], 2278,
  'i'], [2299, 'void_out', [2278], 2275, 'i'], [2304, 'internal_in', [2275], 2281, 'i', false], [2305,
  'internal_out', [2281], 2275, 'i'], [2400, 'array_recv', [2281, 26, 23], 2277, 's'], [2401, 'array_send',
  [2277], 17, 's'], [2402, 'record_recv', [2281, 26, 23], 2249, 's'], [2403, 'record_send', [2249], 17, 's'],
  [2404, 'int2recv', [2281], 21, 'i'], [2405, 'int2send', [21], 17, 'i'], [2406, 'int4recv', [2281], 23, 'i'],
  [2407, 'int4send', [23], 17, 'i'], [2408, 'int8recv', [2281], 20, 'i'], [2409, 'int8send', [20], 17, 'i'],
  [2410, 'int2vectorrecv', [2281], 22, 'i'], [2411, 'int2vectorsend', [22], 17, 'i'], [2412, 'bytearecv', [2281],
  17, 'i'], [2413, 'byteasend', [17], 17, 'i'], [2414, 'textrecv', [2281], 25, 's'], [2415, 'textsend', [25], 17,
  's'], [2416, 'unknownrecv', [2281], 705, 'i'], [2417, 'unknownsend', [705], 17, 'i'], [2418, 'oidrecv', [2281],
  26, 'i'], [2419, 'oidsend', [26], 17, 'i'], [2420, 'oidvectorrecv', [2281], 30, 'i'], [2421, 'oidvectorsend',
  [30], 17, 'i'], [2422, 'namerecv', [2281], 19, 's'], [2423, 'namesend', [19], 17, 's'], [2424, 'float4recv',
  [2281], 700, 'i'], [2425, 'float4send', [700], 17, 'i'], [2426, 'float8recv', [2281], 701, 'i'], [2427,
  'float8send', [701], 17, 'i'], [2430, 'bpcharrecv', [2281, 26, 23], 1042, 's'], [2431, 'bpcharsend', [1042],
  17, 's'], [2432, 'varcharrecv', [2281, 26, 23], 1043, 's'], [2433, 'varcharsend', [1043], 17, 's'], [2434,
  'charrecv', [2281], 18, 'i'], [2435, 'charsend', [18], 17, 'i'], [2436, 'boolrecv', [2281], 16, 'i'], [2437,
  'boolsend', [16], 17, 'i'], [2444, 'regprocrecv', [2281], 24, 'i'], [2445, 'regprocsend', [24], 17, 'i'],
  [2452, 'regclassrecv', [2281], 2205, 'i'], [2453, 'regclasssend', [2205], 17, 'i'], [2454, 'regtyperecv',
  [2281], 2206, 'i'], [2455, 'regtypesend', [2206], 17, 'i'], [2460, 'numeric_recv', [2281, 26, 23], 1700, 'i'],
  [2461, 'numeric_send', [1700], 17, 'i'], [2468, 'date_recv', [2281], 1082, 'i'], [2469, 'date_send', [1082],
  17, 'i'], [2470, 'time_recv', [2281, 26, 23], 1083, 'i'], [2471, 'time_send', [1083], 17, 'i'], [2474,
  'timestamp_recv', [2281, 26, 23], 1114, 'i'], [2475, 'timestamp_send', [1114], 17, 'i'], [2476,
  'timestamptz_recv', [2281, 26, 23], 1184, 'i'], [2477, 'timestamptz_send', [1184], 17, 'i'], [2478,
  'interval_recv', [2281, 26, 23], 1186, 'i'], [2479, 'interval_send', [1186], 17, 'i'], [2500, 'cstring_recv',
  [2281], 2275, 's'], [2501, 'cstring_send', [2275], 17, 's'], [2502, 'anyarray_recv', [2281], 2277, 's'], [2503,
  'anyarray_send', [2277], 17, 's'], [2903, 'intervaltypmodin', [1263], 23, 'i'], [2904, 'intervaltypmodout',
  [23], 2275, 'i'], [2905, 'timestamptypmodin', [1263], 23, 'i'], [2906, 'timestamptypmodout', [23], 2275, 'i'],
  [2907, 'timestamptztypmodin', [1263], 23, 'i'], [2908, 'timestamptztypmodout', [23], 2275, 'i'], [2909,
  'timetypmodin', [1263], 23, 'i'], [2910, 'timetypmodout', [23], 2275, 'i'], [2913, 'bpchartypmodin', [1263],
  23, 'i'], [2914, 'bpchartypmodout', [23], 2275, 'i'], [2915, 'varchartypmodin', [1263], 23, 'i'], [2916,
  'varchartypmodout', [23], 2275, 'i'], [2917, 'numerictypmodin', [1263], 23, 'i'], [2918, 'numerictypmodout',
  [23], 2275, 'i'], [2952, 'uuid_in', [2275], 2950, 'i'], [2953, 'uuid_out', [2950], 2275, 'i'], [2961,
  'uuid_recv', [2281], 2950, 'i'], [2962, 'uuid_send', [2950], 17, 'i'], [3120, 'void_recv', [2281], 2278, 'i'],
  [3121, 'void_send', [2278], 17, 'i'], [3803, 'jsonb_send', [3802], 17, 'i'], [3804, 'jsonb_out', [3802], 2275,
  'i'], [3805, 'jsonb_recv', [2281], 3802, 'i'], [3806, 'jsonb_in', [2275], 3802, 'i'], [3816,
  'array_typanalyze', [2281], 16, 's'], [4084, 'regnamespacein', [2275], 4089, 's'], [4085, 'regnamespaceout',
  [4089], 2275, 's'], [4087, 'regnamespacerecv', [2281], 4089, 'i'], [4088, 'regnamespacesend', [4089], 17, 'i'],
  [4092, 'regroleout', [4096], 2275, 's'], [4094, 'regrolerecv', [2281], 4096, 'i'], [4095, 'regrolesend',
  [4096], 17, 'i'], [4098, 'regrolein', [2275], 4096, 's'], [6098, 'jsonb_subscript_handler', [2281], 2281, 'i'],
  [6179, 'array_subscript_handler', [2281], 2281, 'i'], [6180, 'raw_array_subscript_handler', [2281], 2281, 'i'],
  [2312, 'anyelement_in', [2275], 2283, 'i'], [2313, 'anyelement_out', [2283], 2275, 'i'], [2777, 'anynonarray_in',
  [2275], 2776, 'i'], [2778, 'anynonarray_out', [2776], 2275, 'i'], [5086, 'anycompatible_in', [2275], 5077, 'i'],
  [5087, 'anycompatible_out', [5077], 2275, 'i'], [5088, 'anycompatiblearray_in', [2275], 5078, 'i'], [5089,
  'anycompatiblearray_out', [5078], 2275, 's'], [5090, 'anycompatiblearray_recv', [2281], 5078, 's'], [5091,
  'anycompatiblearray_send', [5078], 17, 's'],
];

export const TYPE_SUPPORT_PROCS: readonly BuiltinProc[] = PROCS.map(([oid, name, argTypes, returnType, volatility, strict]) => ({
  oid, name, argTypes, returnType, volatility, strict: strict ?? true,
}));
