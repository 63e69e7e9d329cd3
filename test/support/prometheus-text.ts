/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests that
 * scrape /metrics: every line must be a HELP, TYPE or comment line, a sample, or blank, and a
 * sample's metric must belong to the family its TYPE line announced. prom-client can write the
 * format but not read it, hence this.
 */

export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help?: string;
  readonly samples: PrometheusSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** The sample names a family of each type may expose besides its own name. */
const SUFFIXES: Record<PrometheusFamily['type'], readonly string[]> = {
  counter: ['', '_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['', '_sum', '_count', '_created'],
  untyped: [''],
};

/** Parses an exposition; throws naming the first line that is not valid. */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, PrometheusFamily>();
  const helps = new Map<string, string>();
  const lines = text.split('\n').slice(0, -1);
  for (const [index, line] of lines.entries()) {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (meta === null) continue; // a plain comment
      const [, keyword, name, rest = ''] = meta;
      if (!METRIC_NAME.test(name)) fail('invalid metric name');
      if (keyword === 'HELP') {
        if (helps.has(name)) fail('second HELP for the metric');
        helps.set(name, unescapeHelp(rest, fail));
      } else {
        if (!TYPES.has(rest)) fail('unknown metric type');
        if (families.has(name)) fail('second TYPE for the metric');
        families.set(name, { name, type: rest as PrometheusFamily['type'], samples: [] });
      }
      continue;
    }
    const sample = parseSample(line, fail);
    const family = familyOf(sample.name, families) ?? fail('sample of a metric without a TYPE line before it');
    family.samples.push(sample);
  }
  for (const [name, help] of helps) {
    const family = families.get(name);
    if (family === undefined) throw new Error(`HELP for ${name}, which has no TYPE line`);
    families.set(name, { ...family, help });
  }
  return families;
}

function familyOf(sampleName: string, families: Map<string, PrometheusFamily>): PrometheusFamily | undefined {
  for (const family of families.values()) {
    if (SUFFIXES[family.type].some((suffix) => sampleName === family.name + suffix)) return family;
  }
  return undefined;
}

function parseSample(line: string, fail: (why: string) => never): PrometheusSample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line) ?? fail('not a sample line');
  const name = head[1];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = /^([^=]+)="/.exec(rest) ?? fail('malformed label');
      if (!LABEL_NAME.test(label[1])) fail(`invalid label name ${label[1]}`);
      rest = rest.slice(label[0].length);
      let value = '';
      for (;;) {
        if (rest.length === 0) fail('unterminated label value');
        const char = rest[0];
        if (char === '"') break;
        if (char === '\\') {
          const escaped = { n: '\n', '\\': '\\', '"': '"' }[rest[1]] ?? fail('invalid escape in a label value');
          value += escaped;
          rest = rest.slice(2);
        } else {
          value += char;
          rest = rest.slice(1);
        }
      }
      if (label[1] in labels) fail(`label ${label[1]} given twice`);
      labels[label[1]] = value;
      rest = rest.slice(1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('expected , or } after a label');
    }
    rest = rest.slice(1);
  }
  const tail = /^ (\S+)(?: (-?\d+))?$/.exec(rest) ?? fail('expected " value [timestamp]" after the metric');
  return { name, labels, value: sampleValue(tail[1], fail) };
}

function sampleValue(text: string, fail: (why: string) => never): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(`invalid sample value ${text}`);
  return Number(text);
}

function unescapeHelp(text: string, fail: (why: string) => never): string {
  return text.replace(/\\(.?)/g, (_, char: string) => ({ n: '\n', '\\': '\\' })[char] ?? fail('invalid escape in HELP text'));
}
