import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCES = ['cli.ts', 'earshot.ts', 'engine', 'gateway', 'console'];

function walk(path: string, out: string[]): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && name !== 'public') walk(join(path, name), out);
  } else if (/\.(ts|mjs)$/.test(path) && !path.endsWith('.test.ts')) out.push(path);
}

/**
 * A short hash of the server's sources (the bench runs them through tsx, so what it measures is whatever
 * is on disk when each server starts): lets a reader see whether the code changed between scenarios.
 */
export interface Fingerprint {
  gitHead: string | null;
  sha256: string;
  files: number;
  newestMtime: string;
}

export function sourceFingerprint(root: string): Fingerprint {
  const files: string[] = [];
  for (const s of SOURCES) walk(join(root, s), files);
  const hash = createHash('sha256');
  let newest = 0;
  for (const f of files) {
    hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
    newest = Math.max(newest, statSync(f).mtimeMs);
  }
  let gitHead: string | null = null;
  try {
    gitHead = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return { gitHead, sha256: hash.digest('hex').slice(0, 16), files: files.length, newestMtime: new Date(newest).toISOString() };
}
