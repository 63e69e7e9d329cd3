/**
 * Errors with a PostgreSQL SQLSTATE, raised by the storage engine and by the layers above it
 * (wire protocol, value I/O), so the front door can report any of them to clients unchanged.
 */
export interface ErrorExtra {
  readonly detail?: string;
  readonly hint?: string;
  readonly cause?: unknown;
  readonly position?: number;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly fatal?: boolean;
}

export class EngineError extends Error {
  readonly code: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character index into the statement text, for errors a parser or binder found. */
  readonly position?: number;
  /** The object the error is about, reported as ErrorResponse's s/t/c/n fields. */
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  /** Set when the connection must end after reporting this error (ErrorResponse FATAL). */
  readonly fatal?: boolean;

  constructor(code: string, message: string, extra: ErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'EngineError';
    this.code = code;
    this.detail = extra.detail;
    this.hint = extra.hint;
    this.position = extra.position;
    this.schema = extra.schema;
    this.table = extra.table;
    this.column = extra.column;
    this.constraint = extra.constraint;
    this.fatal = extra.fatal;
  }
}

/** SQLSTATE codes raised here and above, named as PostgreSQL's errcodes.txt names them. */
export const SqlState = {
  protocolViolation: '08P01',
  invalidPassword: '28P01',
  uniqueViolation: '23505',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  objectInUse: '55006',
  diskFull: '53100',
  ioError: '58030',
  undefinedFile: '58P01',
  outOfMemory: '53200',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  syntaxErrorOrAccessRuleViolation: '42000',
  dataCorrupted: 'XX001',
  internalError: 'XX000',
  datatypeMismatch: '42804',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedObject: '42704',
  duplicateTable: '42P07',
  duplicateObject: '42710',
  duplicateColumn: '42701',
  invalidTableDefinition: '42P16',
  invalidParameterValue: '22023',
  invalidTextRepresentation: '22P02',
  characterNotInRepertoire: '22021',
  numericValueOutOfRange: '22003',
  stringDataRightTruncation: '22001',
  invalidTransactionState: '25000',
  readOnlySqlTransaction: '25006',
  noActiveSqlTransaction: '25P01',
  invalidSavepointSpecification: '3B001',
  objectNotInPrerequisiteState: '55000',
  featureNotSupported: '0A000',
  wrongObjectType: '42809',
  badCopyFileFormat: '22P04',
  reservedName: '42939',
  generatedAlways: '428C9',
  duplicateAlias: '42712',
  invalidSchemaName: '3F000',
  duplicateSchema: '42P06',
  syntaxError: '42601',
  undefinedFunction: '42883',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  groupingError: '42803',
  windowingError: '42P20',
  invalidRecursion: '42P19',
  invalidColumnReference: '42P10',
  invalidForeignKey: '42830',
  invalidObjectDefinition: '42P17',
  dependentObjectsStillExist: '2BP01',
  insufficientPrivilege: '42501',
  invalidCatalogName: '3D000',
  inFailedSqlTransaction: '25P02',
  activeSqlTransaction: '25001',
  cardinalityViolation: '21000',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  divisionByZero: '22012',
  invalidPreparedStatementDefinition: '42P14',
  undefinedPreparedStatement: '26000',
  duplicatePreparedStatement: '42P05',
  undefinedCursor: '34000',
  duplicateCursor: '42P03',
  undefinedParameter: '42P02',
  cannotCoerce: '42846',
  indeterminateDatatype: '42P18',
  invalidParameterReference: '42P08',
  tooManyColumns: '54011',
  tooManyArguments: '54023',
  nullValueNotAllowed: '22004',
  invalidRowCountInLimitClause: '2201W',
  invalidRowCountInResultOffsetClause: '2201X',
  sequenceGeneratorLimitExceeded: '2200H',
  invalidSqlStatementName: '26000',
  cantChangeRuntimeParam: '55P02',
  undefinedSetting: '42704',
  zeroLengthCharacterString: '2200F',
  invalidEscapeSequence: '22025',
  invalidRegularExpression: '2201B',
  datetimeFieldOverflow: '22008',
  invalidDatetimeFormat: '22007',
  stringDataLengthMismatch: '22026',
  systemError: '58000',
  configFileError: 'F0000',
  connectionFailure: '08006',
  invalidAuthorizationSpecification: '28000',
  tooManyConnections: '53300',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  idleInTransactionSessionTimeout: '25P03',
  invalidPrecedingOrFollowingSize: '22013',
  invalidArgumentForNtile: '22014',
  invalidArgumentForNthValue: '22016',
  invalidName: '42602',
} as const;

export function engineError(code: string, message: string, extra?: ErrorExtra): EngineError {
  return new EngineError(code, message, extra);
}
