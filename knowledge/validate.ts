import type { Article } from './article.js';

/**
 * Validation of one knowledge-base article, shared by every file format (and usable for REST bodies).
 * Each problem becomes a KbError naming file, line and field, so a KB editor can fix it without guessing;
 * an article with any error is rejected whole rather than served half-right.
 */
export interface KbError {
  /** EARSHOT_ERR_KB_INVALID for a bad article or file; EARSHOT_ERR_KB_NOT_FOUND when the folder is missing. */
  code: 'EARSHOT_ERR_KB_INVALID' | 'EARSHOT_ERR_KB_NOT_FOUND';
  file: string;
  line?: number;
  field?: string;
  reason: string;
  /** `file:line field "x": reason`, the form editors and compilers use, so terminals make it clickable. */
  message: string;
}

export function kbError(file: string, line: number | undefined, field: string | undefined, reason: string, code: KbError['code'] = 'EARSHOT_ERR_KB_INVALID'): KbError {
  const where = line === undefined ? file : `${file}:${line}`;
  const message = `${where}${field === undefined ? '' : ` field "${field}"`}: ${reason}`;
  return { code, file, ...(line === undefined ? {} : { line }), ...(field === undefined ? {} : { field }), reason, message };
}

export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Field name → the names accepted for it: Chinese KB editors write 相似问法, exports from other tools similar_questions. */
const ALIASES: Record<string, readonly string[]> = {
  id: ['id'],
  title: ['title'],
  category: ['category'],
  tags: ['tags'],
  questions: ['questions', '相似问法', 'similar_questions'],
  synonyms: ['synonyms'],
  key: ['key', 'keySentences'],
  answer: ['answer'],
};

/** One article as read from a file, before validation. */
export interface RawArticle {
  fields: Record<string, unknown>;
  file: string;
  /** Line the article starts on (CSV row, JSON object); undefined for a whole Markdown file. */
  line?: number;
  /** Line of a field's key, when the format knows it. */
  lineOf(key: string): number | undefined;
  /** The Markdown body, which is the answer: then an `answer` field is an error, not a silent override. */
  body?: { text: string; line: number; lead?: string };
  defaultCategory: string;
  updatedAt: number;
}

const KNOWN = new Map(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field] as const)));

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function unknownReason(key: string): string {
  const best = [...KNOWN.keys()].map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  const hint = best && best[1] <= 2 ? `; did you mean "${best[0]}"?` : '';
  return `unknown field${hint} (known: ${[...KNOWN.keys()].join(', ')})`;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function stringList(v: unknown): string[] | null {
  if (!Array.isArray(v) || !v.every(isText)) return null;
  return v.map((s: string) => s.trim());
}

function synonymGroups(v: unknown): string[][] | null {
  if (!Array.isArray(v)) return null;
  const groups: string[][] = [];
  for (const g of v) {
    const words = typeof g === 'string' ? g.split('/').filter(isText) : stringList(g);
    if (!words || words.length < 2) return null;
    groups.push([...new Set(words.map((w) => w.trim()))]);
  }
  return groups;
}

/** The first sentence of the answer (up to 。！？!? or a line break): what an agent reads out first. */
export function firstSentence(answer: string): string {
  // Closing quotes stay with their sentence: “理财非存款，…投资须谨慎。” is read out whole.
  const m = /^[^。！？!?\n]*[。！？!?]*[”’」』）)]*/.exec(answer.trim());
  return (m?.[0] ?? '').trim() || answer.trim();
}

export function validateArticle(raw: RawArticle): { article: Article } | { errors: KbError[] } {
  const errors: KbError[] = [];
  const fail = (key: string, reason: string): void => void errors.push(kbError(raw.file, raw.lineOf(key) ?? raw.line, key, reason));
  const value: Record<string, { key: string; v: unknown }> = {};
  for (const [key, v] of Object.entries(raw.fields)) {
    const field = KNOWN.get(key);
    if (raw.body && field === 'answer') fail(key, 'not allowed in front matter: the answer is the Markdown body');
    else if (field === undefined) fail(key, unknownReason(key));
    else if (value[field]) fail(key, `given twice (also as "${value[field].key}")`);
    else if (v !== undefined && v !== null) value[field] = { key, v };
  }
  if (raw.body) value.answer = { key: 'answer', v: raw.body.text };
  const get = (f: string): unknown => value[f]?.v;
  const keyOf = (f: string): string => value[f]?.key ?? f;

  const id = get('id');
  if (id === undefined) fail('id', 'is required');
  else if (typeof id !== 'string') fail('id', 'must be a string (quote a numeric id)');
  else if (!ID_PATTERN.test(id)) fail('id', `"${id}" must be 1-64 letters, digits, ".", "_" or "-"`);
  if (raw.body && !isText(raw.body.text)) errors.push(kbError(raw.file, raw.body.line, 'answer', 'is required: the Markdown body is empty'));
  for (const f of raw.body ? ['title'] : ['title', 'answer']) {
    const v = get(f);
    if (v === undefined || v === '') fail(keyOf(f), 'is required');
    else if (!isText(v)) fail(keyOf(f), 'must be a non-empty string');
  }
  const category = get('category');
  if (category !== undefined && !isText(category)) fail('category', 'must be a non-empty string');
  const lists: Record<string, string[]> = {};
  for (const f of ['tags', 'questions']) {
    const v = get(f);
    const list = v === undefined ? [] : stringList(v);
    if (list) lists[f] = list;
    // YAML reads `[12378]` as a number: say how to fix it, not just that it is wrong.
    else fail(keyOf(f), `must be a list of strings${Array.isArray(v) && v.some((x) => typeof x === 'number') ? ' (quote numbers: "12378")' : ''}`);
  }
  const synonyms = get('synonyms') === undefined ? [] : synonymGroups(get('synonyms'));
  if (!synonyms) fail(keyOf('synonyms'), 'must be a list of groups, each a list of at least two words or an "a/b" string');
  const key = get('key');
  const keySentences = key === undefined ? undefined : isText(key) ? [key.trim()] : stringList(key);
  if (keySentences === null) fail(keyOf('key'), 'must be a string or a list of strings');

  if (errors.length > 0 || !synonyms || keySentences === null) return { errors: errors.sort((x, y) => (x.line ?? 0) - (y.line ?? 0)) };
  const answer = (get('answer') as string).trim();
  return {
    article: {
      id: id as string,
      title: (get('title') as string).trim(),
      category: isText(category) ? category.trim() : raw.defaultCategory,
      tags: lists.tags ?? [],
      questions: lists.questions ?? [],
      synonyms,
      answer,
      keySentences: keySentences ?? [firstSentence(raw.body?.lead || answer)],
      origin: { kind: 'file', file: raw.file, ...(raw.line === undefined ? {} : { line: raw.line }) },
      updatedAt: raw.updatedAt,
    },
  };
}
