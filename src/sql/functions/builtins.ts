/**
 * Loads every family of built-in functions and operators into the registry. Resolution
 * imports this once; the families register themselves when loaded.
 */
import './operators/numeric-ops.ts';
import './operators/comparison.ts';
import './operators/text-ops.ts';
import './library/arrays.ts';
import './library/cast-functions.ts';
import './library/datetime.ts';
import './library/formatting.ts';
import './library/json.ts';
import './library/math.ts';
import './library/session.ts';
import './library/strings.ts';
