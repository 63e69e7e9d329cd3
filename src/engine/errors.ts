/**
 * Errors with a PostgreSQL SQLSTATE, raised by the storage engine and by the layers above it
 * (wire protocol, value I/O), so the front door can report any of them to clients unchanged.
 */
export class EngineError extends Error {
  readonly code: string;
  readonly detail?: string;
  readonly hint?: string;

  constructor(code: string, message: string, extra: { detail?: string; hint?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'EngineError';
    this.code = code;
    this.detail = extra.detail;
    this.hint = extra.hint;
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
} as const;

export function engineError(code: string, message: string, extra?: { detail?: string; hint?: string; cause?: unknown }): EngineError {
  return new EngineError(code, message, extra);
}
