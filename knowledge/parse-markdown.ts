import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { kbError, type KbError, type RawArticle } from './validate.js';

/** What every format parser is given about the file besides its text. */
export interface FileMeta {
  /** Path shown in errors and origins. */
  file: string;
  defaultCategory: string;
  updatedAt: number;
}

export interface Parsed {
  raws: RawArticle[];
  errors: KbError[];
}

/**
 * Parse YAML (or JSON, which the yaml package reads as YAML 1.2 flow) keeping a LineCounter, so field
 * errors can name the line of the key. `lineOffset` is how many file lines precede the text.
 */
export function parseWithLines(text: string, file: string, lineOffset: number): { doc: Document; line: (offset: number | undefined) => number | undefined; errors: KbError[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const line = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : counter.linePos(offset).line + lineOffset);
  const errors = doc.errors.map((e) => {
    // The yaml package appends " at line N, column M:" and a code excerpt; the KbError carries the line itself.
    const reason = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return kbError(file, e.linePos ? e.linePos[0].line + lineOffset : undefined, undefined, `invalid YAML: ${reason}`);
  });
  return { doc, line, errors };
}

/** Line of each key of a YAML/JSON mapping node. */
export function keyLines(node: unknown, line: (offset: number | undefined) => number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
    const at = line(key?.range?.[0]);
    if (key && at !== undefined) out.set(String(key.value), at);
  }
  return out;
}

const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/**
 * Markdown → plain text an agent can read from a pop-up: markup removed, list items and paragraphs kept on
 * their own lines, soft-wrapped lines joined (without a space between Chinese characters).
 */
export function markdownToText(md: string): string {
  const out: string[] = [];
  let para = '';
  const flush = (): void => {
    if (para) out.push(para);
    para = '';
  };
  for (const raw of md.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw) || /^\s*([-*_]\s*){3,}$/.test(raw) || /^\s*\|?[\s:|-]+\|[\s:|-]*$/.test(raw)) continue;
    let line = raw
      .replace(/<!--.*?-->/g, '')
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/(^|[^*\w])\*(\S(?:.*?\S)?)\*(?![*\w])/g, '$1$2')
      .trim();
    if (line === '') {
      flush();
      continue;
    }
    // Headings, quotes, list items and table rows each stand on their own line.
    const block = /^(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|\|.*\|$)/.exec(line);
    line = line.replace(/^(#{1,6}\s+|(>\s?)+|[-*+]\s+)/, '').replace(/^\|(.*)\|$/, (_, cells: string) => cells.split('|').map((c) => c.trim()).join('，'));
    if (block) {
      flush();
      // Ordered-list numbers are kept: agents read steps out as "第一步…" and the numbers help.
      para = line;
      if (/^#/.test(block[0])) flush();
      continue;
    }
    const joiner = para && CJK.test(para.at(-1) ?? '') && CJK.test(line[0] ?? '') ? '' : ' ';
    para = para ? para + joiner + line : line;
  }
  flush();
  return out.join('\n');
}

/** One article per Markdown file: YAML front matter between `---` lines, the body is the answer. */
export function parseMarkdown(text: string, meta: FileMeta): Parsed {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { raws: [], errors: [kbError(meta.file, 1, undefined, 'must start with front matter: a "---" line, the fields (id, title, …), then "---"')] };
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) return { raws: [], errors: [kbError(meta.file, 1, undefined, 'front matter is not closed by a "---" line')] };
  const { doc, line, errors } = parseWithLines(lines.slice(1, end).join('\n'), meta.file, 1);
  if (errors.length > 0) return { raws: [], errors };
  const fields = doc.toJS() as unknown;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    return { raws: [], errors: [kbError(meta.file, 2, undefined, 'front matter must be a mapping of fields (id: …, title: …)')] };
  }
  const lineOfKey = keyLines(doc.contents, line);
  const body = lines.slice(end + 1);
  const bodyStart = lines.findIndex((l, i) => i > end && l.trim() !== '');
  return {
    raws: [
      {
        fields: fields as Record<string, unknown>,
        file: meta.file,
        // A missing field is reported at the opening "---", where it should have been.
        lineOf: (key) => lineOfKey.get(key) ?? 1,
        body: {
          text: markdownToText(body.join('\n')),
          line: bodyStart < 0 ? end + 2 : bodyStart + 1,
          // A heading is not what an agent reads out first: the key sentence comes from the text under it.
          lead: markdownToText(body.filter((l) => !/^\s*#{1,6}\s/.test(l)).join('\n')),
        },
        defaultCategory: meta.defaultCategory,
        updatedAt: meta.updatedAt,
      },
    ],
    errors: [],
  };
}
