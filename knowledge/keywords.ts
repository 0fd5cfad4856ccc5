import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../engine/paths.js';

/** The shipped domain keyword list: knowledge/keywords.txt. */
export const DEFAULT_KEYWORDS_FILE = join(packageRoot(import.meta.url), 'knowledge', 'keywords.txt');

/** One keyword per line; blank lines and `#` comments are skipped; duplicates are kept once, in order. */
export function loadKeywordList(file: string = DEFAULT_KEYWORDS_FILE): string[] {
  const seen = new Set<string>();
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line) seen.add(line);
  }
  return [...seen];
}
