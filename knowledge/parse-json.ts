import { isSeq } from 'yaml';
import { keyLines, parseWithLines, type FileMeta, type Parsed } from './parse-markdown.js';
import { kbError } from './validate.js';

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * A JSON file holds one article object or an array of them. JSON.parse decides validity (the yaml package
 * is laxer); the yaml package then re-reads the same text only to learn on which line each article and key is.
 */
export function parseJson(text: string, meta: FileMeta): Parsed {
  text = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /at position (\d+)/.exec(message);
    const line = /\(line (\d+) column \d+\)/.exec(message)?.[1] ?? (pos ? lineAt(text, Number(pos[1])) : undefined);
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    return { raws: [], errors: [kbError(meta.file, line === undefined ? undefined : Number(line), undefined, `invalid JSON: ${reason}`)] };
  }
  const { doc, line } = parseWithLines(text, meta.file, 0);
  const items = Array.isArray(value) ? value : [value];
  const nodes: unknown[] = Array.isArray(value) ? (isSeq(doc.contents) ? doc.contents.items : []) : [doc.contents];
  const out: Parsed = { raws: [], errors: [] };
  items.forEach((item, i) => {
    const node = nodes[i] as { range?: [number, number, number] } | undefined;
    const at = line(node?.range?.[0]);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      out.errors.push(kbError(meta.file, at, undefined, Array.isArray(value) ? `item ${i + 1} must be an article object` : 'must be an article object or an array of them'));
      return;
    }
    const lines = keyLines(node, line);
    out.raws.push({
      fields: item as Record<string, unknown>,
      file: meta.file,
      ...(at === undefined ? {} : { line: at }),
      lineOf: (key) => lines.get(key),
      defaultCategory: meta.defaultCategory,
      updatedAt: meta.updatedAt,
    });
  });
  return out;
}
