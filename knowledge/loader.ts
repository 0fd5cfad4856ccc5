import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import type { Article } from './article.js';
import { parseCsv } from './parse-csv.js';
import { parseJson } from './parse-json.js';
import { parseMarkdown, type FileMeta, type Parsed } from './parse-markdown.js';
import { kbError, validateArticle, type KbError } from './validate.js';

export type { KbError } from './validate.js';

export interface KnowledgeBase {
  /** Every article that validated; a bad one is left out and reported in `errors`. */
  articles: Article[];
  /** The KB's synonym groups (synonyms.txt); articles may add their own. */
  synonyms: string[][];
  errors: KbError[];
}

/** The synonym file, one group per line: `信用卡/贷记卡`. It lives at the top of the KB folder. */
export const SYNONYMS_FILE = 'synonyms.txt';
/** An article file larger than this is refused unread: a KB is hand-written text, not a data dump. */
export const MAX_KB_FILE_BYTES = 8 * 1024 * 1024;
/** Articles without a category take the sub-folder's name, or this at the top level. */
export const DEFAULT_CATEGORY = '未分类';

const PARSERS: Record<string, (text: string, meta: FileMeta) => Parsed> = { '.md': parseMarkdown, '.json': parseJson, '.csv': parseCsv };

/** Dot-files, editor backups (`x.md~`, `#x.md#`) and README.md are not articles; sorted, so loads are repeatable. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (/^[.#]|~$/.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile() && entry.name.toLowerCase() !== 'readme.md') out.push(path);
  }
  return out;
}

export function parseSynonyms(text: string, file: string): { groups: string[][]; errors: KbError[] } {
  const groups: string[][] = [];
  const errors: KbError[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const words = [...new Set(line.split('/').map((w) => w.trim()).filter((w) => w !== ''))];
    if (words.length < 2) errors.push(kbError(file, i + 1, undefined, `a synonym group needs at least two words separated by "/", got "${line}"`));
    else groups.push(words);
  });
  return { groups, errors };
}

/**
 * Load every article under `dir`: `.md` (front matter + body), `.json` (an article or an array), `.csv`
 * (header row, `|`-separated lists), plus `synonyms.txt`. Never throws on bad content: each problem is an
 * error naming file and line, and the rest still loads, so a typo in one file cannot take the KB down.
 * Paths in errors and origins are shown relative to the folder holding `dir` (`kb/cards/activate.md`).
 */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  const result: KnowledgeBase = { articles: [], synonyms: [], errors: [] };
  const shown = (path: string): string => relative(dirname(dir), path).split(sep).join('/');
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    files = listFiles(dir);
  } catch (err) {
    result.errors.push(kbError(dir, undefined, undefined, `knowledge-base folder cannot be read: ${(err as Error).message}`, 'EARSHOT_ERR_KB_NOT_FOUND'));
    return result;
  }
  const firstSeen = new Map<string, string>();
  for (const path of files) {
    const file = shown(path);
    const inner = relative(dir, path).split(sep);
    if (inner.length === 1 && inner[0] === SYNONYMS_FILE) {
      const { groups, errors } = parseSynonyms(readFileSync(path, 'utf8'), file);
      result.synonyms.push(...groups);
      result.errors.push(...errors);
      continue;
    }
    const parser = PARSERS[extname(path).toLowerCase()];
    if (!parser) continue;
    let text: string;
    let updatedAt: number;
    try {
      const stat = statSync(path);
      if (stat.size > MAX_KB_FILE_BYTES) {
        result.errors.push(kbError(file, undefined, undefined, `file is ${stat.size} bytes, more than the ${MAX_KB_FILE_BYTES} allowed`));
        continue;
      }
      text = readFileSync(path, 'utf8');
      updatedAt = Math.floor(stat.mtimeMs);
    } catch (err) {
      // A file removed between listing and reading (an editor saving by rename) is reported, not fatal.
      result.errors.push(kbError(file, undefined, undefined, `cannot be read: ${(err as Error).message}`));
      continue;
    }
    const defaultCategory = inner.length > 1 ? (inner[0] ?? DEFAULT_CATEGORY) : DEFAULT_CATEGORY;
    const parsed = parser(text, { file, defaultCategory, updatedAt });
    result.errors.push(...parsed.errors);
    for (const raw of parsed.raws) {
      const checked = validateArticle(raw);
      if ('errors' in checked) {
        result.errors.push(...checked.errors);
        continue;
      }
      const { article } = checked;
      const line = raw.lineOf('id') ?? raw.line;
      const first = firstSeen.get(article.id);
      if (first !== undefined) {
        result.errors.push(kbError(file, line, 'id', `duplicate id "${article.id}", first defined at ${first}`));
        continue;
      }
      firstSeen.set(article.id, line === undefined ? file : `${file}:${line}`);
      result.articles.push(article);
    }
  }
  return result;
}
