/**
 * Sequence values: nextval, currval, setval, lastval with PostgreSQL's semantics (values are
 * never handed out twice, not even across a crash; a rolled-back transaction does not give its
 * values back). Values come from memory; every 32 calls a block is reserved in a counter of the
 * home shard, which must be on disk before any transaction that used a value commits (the
 * session's commit waits for `syncCounters`), as PostgreSQL logs 32 values ahead.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Shard } from '../engine/shard.ts';
import type { SequenceObject } from '../sql/catalog/model.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import { defineFunction, sessionPart } from '../sql/functions/registry.ts';

const RESERVE = 32n;

interface SequenceState {
  /** The value the next nextval returns, unless it has run out. */
  next: bigint;
  /** Values below this are reserved on disk. */
  reservedTo: bigint;
  /** Whether any value was handed out (false after setval(…, false) or at the start). */
  last: bigint | null;
}

/** One session's view: currval and lastval are per session. */
export interface SequenceAccess {
  nextval(oid: number): bigint;
  currval(oid: number): bigint;
  setval(oid: number, value: bigint, isCalled: boolean): bigint;
  lastval(): bigint;
}

export class SequenceStore {
  private readonly states = new Map<number, SequenceState>();

  constructor(private readonly home: Shard) {}

  private counterName(oid: number): string {
    return `seq:${oid}`;
  }

  private stateOf(sequence: SequenceObject): SequenceState {
    let state = this.states.get(sequence.oid);
    if (state === undefined) {
      const reserved = this.home.counter(this.counterName(sequence.oid));
      // After a restart, continue after the last reserved block: values in it may have been used.
      const next = reserved ?? BigInt(sequence.start);
      state = { next, reservedTo: next, last: reserved === undefined ? null : next - BigInt(sequence.increment) };
      this.states.set(sequence.oid, state);
    }
    return state;
  }

  nextval(sequence: SequenceObject): bigint {
    const state = this.stateOf(sequence);
    const increment = BigInt(sequence.increment);
    const min = BigInt(sequence.min);
    const max = BigInt(sequence.max);
    let value = state.next;
    if (value > max || value < min) {
      if (!sequence.cycle) {
        const bound = increment > 0n ? `maximum value of sequence "${sequence.name}" (${sequence.max})` : `minimum value of sequence "${sequence.name}" (${sequence.min})`;
        throw new EngineError(SqlState.sequenceGeneratorLimitExceeded, `nextval: reached ${bound}`);
      }
      value = increment > 0n ? min : max;
    }
    state.next = value + increment;
    state.last = value;
    const beyond = increment > 0n ? state.next > state.reservedTo : state.next < state.reservedTo;
    if (beyond || state.reservedTo === value) {
      state.reservedTo = state.next + increment * (RESERVE - 1n);
      this.home.setCounter(this.counterName(sequence.oid), state.reservedTo);
    }
    return value;
  }

  setval(sequence: SequenceObject, value: bigint, isCalled: boolean): bigint {
    if (value < BigInt(sequence.min) || value > BigInt(sequence.max)) {
      throw new EngineError(SqlState.numericValueOutOfRange, `setval: value ${value} is out of bounds for sequence "${sequence.name}" (${sequence.min}..${sequence.max})`);
    }
    const state = this.stateOf(sequence);
    state.next = isCalled ? value + BigInt(sequence.increment) : value;
    state.last = isCalled ? value : null;
    state.reservedTo = state.next;
    this.home.setCounter(this.counterName(sequence.oid), state.next);
    return value;
  }

  /** The value the next nextval would return if none was ever called (pg_sequences). */
  lastValue(oid: number): bigint | null {
    return this.states.get(oid)?.last ?? null;
  }

  forSession(catalog: () => CatalogSnapshot): SequenceAccess {
    const current = new Map<number, bigint>();
    let lastOid: number | undefined;
    const sequence = (oid: number): SequenceObject => {
      const object = catalog().get(oid);
      if (object?.kind !== 'sequence') throw new EngineError(SqlState.wrongObjectType, `relation with OID ${oid} is not a sequence`);
      return object;
    };
    return {
      nextval: (oid) => {
        const value = this.nextval(sequence(oid));
        current.set(oid, value);
        lastOid = oid;
        return value;
      },
      currval: (oid) => {
        const value = current.get(oid);
        if (value === undefined) throw new EngineError(SqlState.objectNotInPrerequisiteState, `currval of sequence "${sequence(oid).name}" is not yet defined in this session`);
        return value;
      },
      setval: (oid, value, isCalled) => {
        this.setval(sequence(oid), value, isCalled);
        if (isCalled) {
          current.set(oid, value);
          lastOid = oid;
        }
        return value;
      },
      lastval: () => {
        if (lastOid === undefined) throw new EngineError(SqlState.objectNotInPrerequisiteState, 'lastval is not yet defined in this session');
        return current.get(lastOid) as bigint;
      },
    };
  }
}

/** An EvalContext that can reach the session's sequences. */
export interface SequenceEvalContext extends EvalContext {
  readonly sequences: SequenceAccess;
}

function sequencesOf(ctx: EvalContext): SequenceAccess {
  return sessionPart<SequenceEvalContext['sequences']>(ctx, 'sequences', 'sequence functions');
}

const REGCLASS = { kind: 'regclass' } as const;
const INT8 = { kind: 'int8' } as const;
const BOOL = { kind: 'bool' } as const;

defineFunction('nextval', { params: [REGCLASS], returns: INT8, strict: true, volatility: 'volatile', impl: (args, ctx) => sequencesOf(ctx).nextval(args[0] as number) });
defineFunction('currval', { params: [REGCLASS], returns: INT8, strict: true, volatility: 'volatile', impl: (args, ctx) => sequencesOf(ctx).currval(args[0] as number) });
defineFunction('lastval', { params: [], returns: INT8, strict: false, volatility: 'volatile', impl: (_args, ctx) => sequencesOf(ctx).lastval() });
defineFunction('setval', { params: [REGCLASS, INT8], returns: INT8, strict: true, volatility: 'volatile', impl: (args, ctx) => sequencesOf(ctx).setval(args[0] as number, args[1] as bigint, true) });
defineFunction('setval', { params: [REGCLASS, INT8, BOOL], returns: INT8, strict: true, volatility: 'volatile', impl: (args, ctx) => sequencesOf(ctx).setval(args[0] as number, args[1] as bigint, args[2] as boolean) });
