import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { sha256Hasher } from './checksums.js';

/** The messages of an error and its causes, e.g. "fetch failed: connect ECONNREFUSED 127.0.0.1:1". */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Download progress: one updating line on a terminal, a line per tenth (or per 10 MB) in a log file. */
class Progress {
  private lastLine = -1;
  private lastDraw = 0;
  constructor(
    private readonly out: NodeJS.WritableStream | null,
    private readonly label: string,
    private readonly total: number | null,
  ) {}

  private get tty(): boolean {
    return (this.out as { isTTY?: boolean } | null)?.isTTY === true;
  }

  private text(bytes: number): string {
    const pct = this.total ? ` (${Math.floor((bytes / this.total) * 100)}%)` : '';
    return `${this.label}: ${megabytes(bytes)}${this.total ? ` / ${megabytes(this.total)}` : ''} MB${pct}`;
  }

  update(bytes: number): void {
    if (!this.out) return;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 200) return;
      this.lastDraw = now;
      this.out.write(`\r${this.text(bytes)}`);
      return;
    }
    const step = this.total ? Math.floor((bytes / this.total) * 10) : Math.floor(bytes / 10e6);
    if (step > this.lastLine) {
      this.lastLine = step;
      this.out.write(`${this.text(bytes)}\n`);
    }
  }

  done(bytes: number): void {
    if (!this.out) return;
    this.out.write(this.tty ? `\r${this.text(bytes)}\n` : `${this.text(bytes)} done\n`);
  }
}

export interface DownloadOptions {
  /** Progress goes here; null for none. */
  progress: NodeJS.WritableStream | null;
  label: string;
  /** Longest wait for the response headers: a black-holed connection must not hang start-up. */
  connectTimeoutMs: number;
  /** Longest gap between two chunks of the body. */
  stallTimeoutMs: number;
}

/**
 * Stream `url` (following redirects, as GitHub release downloads need) to `dest`, hashing as it goes.
 * The limits are a headers timeout then a stall timeout rather than one AbortSignal.timeout, because a
 * 300 MB model on a slow link may rightly take longer than any fixed total.
 */
export async function downloadTo(url: string, dest: string, opts: DownloadOptions): Promise<{ bytes: number; sha256: string }> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no response within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
  const restartStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${opts.stallTimeoutMs} ms`)), opts.stallTimeoutMs);
  };
  try {
    const res = await fetch(url, { redirect: 'follow', signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText} from ${res.url || url}`.trim());
    restartStallTimer();
    const length = Number(res.headers.get('content-length'));
    const progress = new Progress(opts.progress, opts.label, Number.isFinite(length) && length > 0 ? length : null);
    const hasher = sha256Hasher();
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        restartStallTimer();
        hasher.update(chunk);
        bytes += chunk.length;
        progress.update(bytes);
        done(null, chunk);
      },
    });
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>, { signal: controller.signal });
    await pipeline(body, meter, createWriteStream(dest));
    progress.done(bytes);
    return { bytes, sha256: hasher.digest() };
  } catch (err) {
    // An abort surfaces as a bare AbortError; the reason we gave says which limit was hit.
    if (controller.signal.aborted) throw new Error(describeError(controller.signal.reason), { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Unpack a .tar.bz2 with the system tar (GNU tar and Windows' bsdtar both read bzip2). */
export function untarBz2(archive: string, intoDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xjf', archive, '-C', intoDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 4000) stderr += s;
    });
    child.on('error', (err) => reject(new Error(`cannot run tar: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`tar -xjf exited with ${signal ?? code}: ${stderr.trim() || 'no message'}`));
    });
  });
}
