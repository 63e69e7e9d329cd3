/**
 * String operators: || (text with text, and with any non-array value through its output
 * function, as 'a' || 1 works), bytea ||, LIKE / ILIKE (~~, ~~*, !~~, !~~*) and the POSIX regular
 * expression matches (~, ~*, !~, !~*) for text, character and name.
 */
import { TEXT, type SqlType } from '../../types/sql-type.ts';
import { compileRegex, NO_FLAGS, type RegexFlags } from '../strings/regex.ts';
import { byteaLikeMatcher, likeMatcher } from '../strings/like.ts';
import { binary, op } from '../registry.ts';
import { cannotCast, resolveCast } from '../casts.ts';
import type { EvalContext } from '../context.ts';
import type { NonNullValue } from '../../types/text-out.ts';

op('||', ['text', 'text'], 'text', binary<string, string>((a, b) => a + b));
/** anytextcat and textanycat are SQL functions casting the other side to text ($1::text || $2). */
function toText(type: SqlType): (value: NonNullValue, ctx: EvalContext) => string {
  const cast = resolveCast(type, TEXT, 'explicit');
  if (cast === undefined) throw cannotCast(type, TEXT);
  return (value, ctx) => cast(value, ctx) as string;
}
op('||', ['anynonarray', 'text'], 'text', {
  build: (args) => {
    const text = toText(args[0]);
    return binary<NonNullValue, string>((a, b, ctx) => text(a, ctx) + b);
  },
}, { volatility: 'stable' });
op('||', ['text', 'anynonarray'], 'text', {
  build: (args) => {
    const text = toText(args[1]);
    return binary<string, NonNullValue>((a, b, ctx) => a + text(b, ctx));
  },
}, { volatility: 'stable' });
op('||', ['bytea', 'bytea'], 'bytea', binary<Uint8Array, Uint8Array>((a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}));

for (const left of ['text', 'char', 'name']) {
  for (const [name, insensitive, negated] of [['~~', false, false], ['~~*', true, false], ['!~~', false, true], ['!~~*', true, true]] as const) {
    op(name, [left, 'text'], 'bool', {
      build: () => {
        const match = likeMatcher(insensitive);
        return binary<string, string>((a, b) => match(a, b) !== negated);
      },
    });
  }
  for (const [name, insensitive, negated] of [['~', false, false], ['~*', true, false], ['!~', false, true], ['!~*', true, true]] as const) {
    const flags: RegexFlags = insensitive ? { ...NO_FLAGS, caseInsensitive: true } : NO_FLAGS;
    op(name, [left, 'text'], 'bool', binary<string, string>((a, b) => compileRegex(b, flags).test(a) !== negated));
  }
}
for (const [name, negated] of [['~~', false], ['!~~', true]] as const) {
  op(name, ['bytea', 'bytea'], 'bool', {
    build: () => {
      const match = byteaLikeMatcher();
      return binary<Uint8Array, Uint8Array>((a, b) => match(a, b) !== negated);
    },
  });
}
