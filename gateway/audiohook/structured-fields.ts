/**
 * The part of RFC 8941 (Structured Field Values for HTTP) that HTTP message signatures need: Dictionaries of
 * Items and Inner Lists with Parameters, parsed strictly and serialised canonically (RFC 8941 §4.1), so that a
 * signature base is rebuilt from the parsed value and never from raw header bytes (RFC 9421 §2.3).
 */

export type BareItem = string | number | boolean | Uint8Array | Token;
/** A token (`hmac-sha256` unquoted) keeps its type apart from a string for serialisation. */
export class Token {
  constructor(readonly value: string) {}
}
export type Parameters = [string, BareItem][];
export interface Item {
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  items: Item[];
  params: Parameters;
}
export type Member = Item | InnerList;
export const isInnerList = (m: Member): m is InnerList => 'items' in m;

class Parser {
  i = 0;
  constructor(readonly s: string) {}
  fail(why: string): never {
    throw new SyntaxError(`structured field: ${why} at ${this.i}`);
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  skipSp(): void {
    while (this.peek() === ' ') this.i++;
  }
  skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  key(): string {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a key');
    this.i += m[0].length;
    return m[0];
  }
  bareItem(): BareItem {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === ':') return this.bytes();
    if (c === '?') {
      const v = this.s.slice(this.i, this.i + 2);
      if (v !== '?0' && v !== '?1') this.fail('bad boolean');
      this.i += 2;
      return v === '?1';
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (/[A-Za-z*]/.test(c)) {
      const m = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return new Token(m[0]);
    }
    return this.fail('expected an item');
  }
  string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail('unterminated string');
      if (c === '\\') {
        const n = this.s[this.i++];
        if (n !== '"' && n !== '\\') this.fail('bad escape');
        out += n;
      } else if (c === '"') return out;
      else if (c < ' ' || c > '~') this.fail('bad character in string');
      else out += c;
    }
  }
  bytes(): Uint8Array {
    const end = this.s.indexOf(':', this.i + 1);
    if (end < 0) this.fail('unterminated byte sequence');
    const b64 = this.s.slice(this.i + 1, end);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) this.fail('bad base64');
    this.i = end + 1;
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }
  number(): number {
    const m = /^-?\d{1,15}(\.\d{1,3})?/.exec(this.s.slice(this.i));
    if (!m) this.fail('bad number');
    this.i += m[0].length;
    return Number(m[0]);
  }
  params(): Parameters {
    const out: Parameters = [];
    while (this.peek() === ';') {
      this.i++;
      this.skipSp();
      const k = this.key();
      let v: BareItem = true;
      if (this.peek() === '=') {
        this.i++;
        v = this.bareItem();
      }
      const at = out.findIndex(([x]) => x === k);
      if (at >= 0) out[at] = [k, v];
      else out.push([k, v]);
    }
    return out;
  }
  member(): Member {
    if (this.peek() === '(') {
      this.i++;
      const items: Item[] = [];
      for (;;) {
        this.skipSp();
        if (this.peek() === ')') {
          this.i++;
          return { items, params: this.params() };
        }
        items.push({ value: this.bareItem(), params: this.params() });
        const c = this.peek();
        if (c !== ' ' && c !== ')') this.fail('expected a space or ")" in inner list');
      }
    }
    return { value: this.bareItem(), params: this.params() };
  }
}

/** Parses a Dictionary header value (several field lines already joined with ", "). Throws SyntaxError. */
export function parseDictionary(value: string): Map<string, Member> {
  const p = new Parser(value.trim());
  const out = new Map<string, Member>();
  while (p.i < p.s.length) {
    const k = p.key();
    let m: Member;
    if (p.peek() === '=') {
      p.i++;
      m = p.member();
    } else m = { value: true, params: p.params() };
    out.set(k, m);
    p.skipOws();
    if (p.i >= p.s.length) break;
    if (p.peek() !== ',') p.fail('expected ","');
    p.i++;
    p.skipOws();
    if (p.i >= p.s.length) p.fail('trailing ","');
  }
  return out;
}

function serializeBare(v: BareItem): string {
  if (v instanceof Token) return v.value;
  if (v instanceof Uint8Array) return `:${Buffer.from(v).toString('base64')}:`;
  if (typeof v === 'boolean') return v ? '?1' : '?0';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function serializeParams(params: Parameters): string {
  return params.map(([k, v]) => (v === true ? `;${k}` : `;${k}=${serializeBare(v)}`)).join('');
}

export function serializeItem(item: Item): string {
  return serializeBare(item.value) + serializeParams(item.params);
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(' ')})${serializeParams(list.params)}`;
}

export function serializeDictionary(members: [string, Member][]): string {
  return members.map(([k, m]) => (isInnerList(m) ? `${k}=${serializeInnerList(m)}` : m.value === true ? `${k}${serializeParams(m.params)}` : `${k}=${serializeItem(m)}`)).join(', ');
}
