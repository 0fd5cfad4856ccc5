import { parse, type CsvError } from 'csv-parse/sync';
import type { FileMeta, Parsed } from './parse-markdown.js';
import { kbError } from './validate.js';

/** Columns a CSV may have; list columns hold `|`-separated items (synonym groups: `信用卡/贷记卡|挂失/冻结`). */
const COLUMNS = ['id', 'title', 'category', 'tags', 'questions', '相似问法', 'similar_questions', 'answer', 'synonyms', 'key', 'keySentences'];
const LISTS = new Set(['tags', 'questions', '相似问法', 'similar_questions', 'synonyms', 'key', 'keySentences']);
const REQUIRED = ['id', 'title', 'answer'];

interface Row {
  record: string[];
  info: { lines: number };
  raw: string;
}

/**
 * A CSV file: a header row naming the columns, then one article per row. A malformed row is skipped with
 * its line (csv-parse's skip_records_with_error) so the rows around it still load; a bad header rejects
 * the file, since every row would be read wrong.
 */
export function parseCsv(text: string, meta: FileMeta): Parsed {
  const out: Parsed = { raws: [], errors: [] };
  const rows = parse(text, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_skip: (err: CsvError | undefined) => {
      if (err) out.errors.push(kbError(meta.file, typeof err.lines === 'number' ? err.lines : undefined, undefined, `invalid CSV: ${err.message.replace(/ at line \d+.*$/, '')}`));
      return undefined;
    },
  }) as unknown as Row[];
  const [head, ...body] = rows;
  if (!head) return out;
  const header = head.record.map((h) => h.trim());
  const bad = [
    ...header.filter((h) => !COLUMNS.includes(h)).map((h) => `unknown column "${h}"`),
    ...header.filter((h, i) => header.indexOf(h) !== i).map((h) => `column "${h}" given twice`),
    ...REQUIRED.filter((c) => !header.includes(c)).map((c) => `missing column "${c}"`),
  ];
  if (bad.length > 0) {
    out.errors.push(kbError(meta.file, head.info.lines, undefined, `bad header: ${bad.join('; ')} (columns: ${COLUMNS.join(', ')})`));
    return out;
  }
  for (const row of body) {
    // info.lines is where the record ends; a quoted cell may span lines, and the article starts where the row does.
    const line = row.info.lines - (row.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    if (row.record.length !== header.length) {
      out.errors.push(kbError(meta.file, line, undefined, `row has ${row.record.length} cells, the header has ${header.length}`));
      continue;
    }
    const fields: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const cell = (row.record[i] ?? '').trim();
      if (cell === '') return;
      fields[name] = LISTS.has(name) ? cell.split('|').map((s) => s.trim()).filter((s) => s !== '') : cell;
    });
    out.raws.push({ fields, file: meta.file, line, lineOf: () => line, defaultCategory: meta.defaultCategory, updatedAt: meta.updatedAt });
  }
  return out;
}
