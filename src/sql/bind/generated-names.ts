/**
 * PostgreSQL's generated object names (ChooseRelationName / ChooseConstraintName):
 * `base_suffix` cut to 63 bytes, numbered when taken.
 */
export function generatedName(base: string, suffix: string, isTaken: (name: string) => boolean): string {
  const root = `${base}_${suffix}`.slice(0, 63);
  let name = root;
  for (let n = 1; isTaken(name); n++) name = `${root.slice(0, 63 - String(n).length)}${n}`;
  return name;
}
