/**
 * BM25 over a few fields (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009), two ways:
 *  - 'doc' (BM25F proper): per-field counts are length-normalised, weighted and summed into one
 *    pseudo-frequency, saturated once, times one document-level idf;
 *  - 'field': one BM25 per field, each with the field's own idf, summed with the field weights.
 * 'field' is the default (index.ts): FAQ answers are long boilerplate (您好, 请您联系发卡行), and a
 * document-level idf lets that boilerplate lower the weight of words that are rare — and telling — in titles.
 *
 * Postings are flat arrays per term (doc numbers ascending; per-field counts packed 8 bits a field; a cached
 * score per posting), a few tens of bytes a posting instead of an object or Map entry per posting.
 */

export interface FieldSpec {
  name: string;
  /** Relative weight of a match in this field. */
  weight: number;
  /** Length normalisation, 0 (none) … 1 (full). */
  b: number;
}

export interface DocFields {
  terms: Map<string, number>;
  /** Field length (characters), for length normalisation. */
  length: number;
}

export interface Scored {
  doc: number;
  score: number;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

interface Postings {
  docs: number[];
  /** Field f's count in bits 8f..8f+7 (capped at 255). */
  tf: number[];
  /** Documents holding the term in each field. */
  fieldDf: number[];
  /** Score per posting, valid while `epoch` is the index's (see impacts). */
  impact?: Float32Array;
  epoch?: number;
}

const MAX_FIELDS = 4;
const fieldCount = (packed: number, f: number): number => (packed >>> (8 * f)) & 255;
const idfOf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

export class Bm25f {
  private readonly postings = new Map<string, Postings>();
  /** Field lengths per document, and 1 / (1 − b + b·len/avg), recomputed after the collection changes. */
  private lengths: Float64Array[];
  private norms: Float64Array[];
  private normsFresh = false;
  /** Bumped when the collection changes, invalidating every term's cached impacts. */
  private epoch = 0;
  private readonly totals: number[];
  /** Each document's terms, so removal touches only its own postings. */
  private readonly docTerms = new Map<number, string[]>();
  private scores: Float64Array;
  private lastDoc = -1;

  constructor(
    readonly fields: readonly FieldSpec[],
    readonly k1 = 1.2,
    readonly mode: 'doc' | 'field' = 'field',
  ) {
    if (fields.length > MAX_FIELDS) throw new Error(`at most ${MAX_FIELDS} fields`);
    this.totals = fields.map(() => 0);
    this.lengths = fields.map(() => new Float64Array(1024));
    this.norms = fields.map(() => new Float64Array(1024));
    this.scores = new Float64Array(1024);
  }

  get size(): number {
    return this.docTerms.size;
  }

  /** Documents holding `term` in any field. */
  df(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  /** Adds a document. Numbers must grow from one add to the next, which keeps every posting list sorted. */
  add(doc: number, fields: readonly DocFields[]): void {
    if (doc <= this.lastDoc) throw new Error(`document ${doc} added after ${this.lastDoc}: numbers must grow`);
    this.lastDoc = doc;
    this.grow(doc);
    const packed = new Map<string, number>();
    fields.forEach((field, f) => {
      this.lengths[f]![doc] = field.length;
      this.totals[f]! += field.length;
      for (const [term, n] of field.terms) packed.set(term, (packed.get(term) ?? 0) + Math.min(n, 255) * 2 ** (8 * f));
    });
    for (const [term, tf] of packed) {
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = { docs: [], tf: [], fieldDf: this.fields.map(() => 0) }));
      p.docs.push(doc);
      p.tf.push(tf);
      for (let f = 0; f < this.fields.length; f++) if (fieldCount(tf, f) > 0) p.fieldDf[f]!++;
    }
    this.docTerms.set(doc, [...packed.keys()]);
    this.normsFresh = false;
  }

  remove(doc: number): boolean {
    const terms = this.docTerms.get(doc);
    if (!terms) return false;
    for (const term of terms) {
      const p = this.postings.get(term)!;
      const i = indexOfSorted(p.docs, doc);
      for (let f = 0; f < this.fields.length; f++) if (fieldCount(p.tf[i]!, f) > 0) p.fieldDf[f]!--;
      p.docs.splice(i, 1);
      p.tf.splice(i, 1);
      if (p.docs.length === 0) this.postings.delete(term);
    }
    for (let f = 0; f < this.fields.length; f++) this.totals[f]! -= this.lengths[f]![doc]!;
    this.docTerms.delete(doc);
    this.normsFresh = false;
    return true;
  }

  /** The counts of `term` in each field of `doc`, packed as in the postings (read with fieldCount; 0: absent). */
  packedCounts(doc: number, term: string): number {
    const p = this.postings.get(term);
    const i = p ? indexOfSorted(p.docs, doc) : -1;
    return i >= 0 ? p!.tf[i]! : 0;
  }

  static fieldCount = fieldCount;

  /** The k best documents for weighted query terms: each term's precomputed impacts added up, then top k. */
  search(terms: readonly WeightedTerm[], k: number): Scored[] {
    if (this.docTerms.size === 0 || k <= 0) return [];
    if (!this.normsFresh) this.refreshNorms();
    const scores = this.scores;
    const touched: number[] = [];
    for (const { term, weight } of terms) {
      const p = this.postings.get(term);
      if (!p || weight <= 0) continue;
      const impact = this.impacts(p);
      const docs = p.docs;
      for (let j = 0; j < docs.length; j++) {
        const add = weight * impact[j]!;
        if (add === 0) continue; // a match only in a zero-weight field: not a hit (and not touched twice)
        const doc = docs[j]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += add;
      }
    }
    const best = topK(touched, scores, k);
    for (const doc of touched) scores[doc] = 0;
    return best;
  }

  /**
   * A term's score in each of its documents (idf × saturated, length-normalised, field-weighted count),
   * computed on first use and kept until the collection changes (idf and average lengths move then).
   * Searching is then one multiply-add per posting.
   */
  private impacts(p: Postings): Float32Array {
    if (p.impact && p.epoch === this.epoch) return p.impact;
    const n = this.docTerms.size;
    const k1 = this.k1;
    const perField = this.mode === 'field';
    const docIdf = idfOf(n, p.docs.length);
    const w = this.fields.map((f, i) => f.weight * (perField ? idfOf(n, p.fieldDf[i]!) : 1));
    const impact = new Float32Array(p.docs.length);
    for (let j = 0; j < p.docs.length; j++) {
      const doc = p.docs[j]!;
      let packed = p.tf[j]!;
      let s = 0;
      for (let f = 0; packed !== 0; f++, packed = packed >>> 8) {
        const c = packed & 255;
        if (c === 0) continue;
        const x = c * this.norms[f]![doc]!;
        s += perField ? (w[f]! * x * (k1 + 1)) / (k1 + x) : w[f]! * x;
      }
      impact[j] = perField ? s : (docIdf * s * (k1 + 1)) / (k1 + s);
    }
    p.impact = impact;
    p.epoch = this.epoch;
    return impact;
  }

  private refreshNorms(): void {
    this.epoch++;
    const n = Math.max(this.docTerms.size, 1);
    this.fields.forEach((f, i) => {
      const avg = Math.max(this.totals[i]! / n, 1);
      const len = this.lengths[i]!;
      const norm = this.norms[i]!;
      for (const doc of this.docTerms.keys()) norm[doc] = 1 / (1 - f.b + (f.b * len[doc]!) / avg);
    });
    this.normsFresh = true;
  }

  private grow(doc: number): void {
    if (doc < this.scores.length) return;
    let size = this.scores.length;
    while (size <= doc) size *= 2;
    const bigger = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.scores = bigger(this.scores);
    this.lengths = this.lengths.map(bigger);
    this.norms = this.norms.map(bigger);
  }
}

/** Doc numbers only grow (index.ts numbers each upsert anew) and splicing keeps order: binary search. */
function indexOfSorted(docs: readonly number[], doc: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid]!;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Best k of `docs` by score, ties to the lower doc number (insertion order), allocating only the k results. */
export function topK(docs: readonly number[], scores: ArrayLike<number>, k: number): Scored[] {
  const better = (a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  const best: number[] = [];
  for (const doc of docs) {
    if (best.length === k && !better(doc, best[k - 1]!)) continue;
    if (best.length < k) best.push(doc);
    let i = best.length - 1;
    while (i > 0 && better(doc, best[i - 1]!)) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = doc;
  }
  return best.map((doc) => ({ doc, score: scores[doc]! }));
}
