/**
 * Field-by-field validation of a parsed YAML/JSON object (rules, scorecards): each problem is a field path and
 * a reason, so a loader can name file, line, id and field. Unknown fields are refused by `known`.
 */
export type Json = unknown;
export const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FieldChecker {
  readonly problems: { field: string; reason: string }[] = [];
  constructor(
    private readonly o: Record<string, Json>,
    private readonly maxItems = 500,
    private readonly maxChars = 100,
  ) {}

  fail(field: string, reason: string): void {
    this.problems.push({ field, reason });
  }
  value(path: string): Json {
    // Lists are walked by index too: sections[2].items[0].
    return path.replace(/\[(\d+)\]/g, '.$1').split('.').reduce<Json>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, Json>)[k] : undefined), this.o);
  }
  has(path: string): boolean {
    return this.value(path) !== undefined;
  }
  oneOf(path: string, values: readonly string[], required = true): void {
    const v = this.value(path);
    if (v === undefined) {
      if (required) this.fail(path, `is required (one of ${values.join(', ')})`);
    } else if (typeof v !== 'string' || !values.includes(v)) this.fail(path, `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  str(path: string, required: boolean, max = 300): void {
    const v = this.value(path);
    if (v === undefined) {
      if (required) this.fail(path, 'is required');
    } else if (typeof v !== 'string' || v.trim() === '') this.fail(path, 'must be a non-empty string');
    else if (v.length > max) this.fail(path, `must be at most ${max} characters`);
  }
  int(path: string, required: boolean, min: number, max = 24 * 3600 * 1000): void {
    const v = this.value(path);
    if (v === undefined) {
      if (required) this.fail(path, 'is required');
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  num(path: string, required: boolean, min: number, max: number): void {
    const v = this.value(path);
    if (v === undefined) {
      if (required) this.fail(path, 'is required');
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  bool(path: string): void {
    const v = this.value(path);
    if (v !== undefined && typeof v !== 'boolean') this.fail(path, 'must be true or false');
  }
  known(path: string, allowed: readonly string[]): void {
    const v = path === '' ? this.o : this.value(path);
    if (!isObject(v)) return;
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(path ? `${path}.${k}` : k, `is not a field here (allowed: ${allowed.join(', ')})`);
  }
  strings(path: string, required: boolean): string[] {
    const v = this.value(path);
    if (v === undefined) {
      if (required) this.fail(path, 'is required');
      return [];
    }
    if (!Array.isArray(v) || v.length === 0) {
      this.fail(path, 'must be a non-empty list');
      return [];
    }
    if (v.length > this.maxItems) this.fail(path, `must hold at most ${this.maxItems} entries`);
    v.forEach((s, i) => {
      if (typeof s === 'number') this.fail(`${path}[${i}]`, `must be a string: quote numbers in YAML ('${s}')`);
      else if (typeof s !== 'string' || s.trim() === '') this.fail(`${path}[${i}]`, 'must be a non-empty string');
      else if (s.length > this.maxChars) this.fail(`${path}[${i}]`, `must be at most ${this.maxChars} characters`);
    });
    return v.filter((s): s is string => typeof s === 'string');
  }
}
