import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a scenario's figures to bench/results/<name>.json and its summary to <name>.md, then prints the
 * summary and, last, the figures as one JSON line (what every bench and eval command ends with).
 */
export function publishResults(root: string, name: string, report: unknown, markdown: string): void {
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(outDir, `${name}.md`), markdown);
  process.stdout.write(`\n${markdown}\n`);
  process.stdout.write(JSON.stringify(report) + '\n');
}
