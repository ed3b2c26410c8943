/**
 * Test support: where the shared corpus is, and a parser for its `.hex` listings
 * (format described in the corpus's SOURCES.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (three levels above this file), whatever the working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The corpus lives beside the repository: `<repo>/../shared/corpus`. */
export const corpusDir = resolve(repoRoot, '../shared/corpus');
/** False when the corpus folder is absent (suites skip with a message naming the path). */
export const corpusAvailable = existsSync(join(corpusDir, 'SOURCES.md'));
/** The reason given when corpus suites skip. */
export const corpusMissing = `corpus folder ${corpusDir} is absent (expected at ../shared/corpus relative to the repo root)`;

/** One message line of a listing with the comment lines above it. */
export interface HexEntry {
  /** Listing path relative to the corpus folder. */
  readonly file: string;
  /** 1-based line number of the hex line. */
  readonly line: number;
  /** The `#` lines of this message (from its `type=` line on, without the `#`), nearest last. */
  readonly comments: readonly string[];
  /** The message bytes. */
  readonly bytes: Uint8Array;
  /** The `status=` value, or undefined when the comments give none. */
  readonly status: string | undefined;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Every file in the corpus, absolute paths, sorted. */
export function corpusFiles(): string[] {
  return corpusAvailable ? walk(corpusDir, []) : [];
}

/** Parses one `.hex` listing. */
export function readListing(path: string): HexEntry[] {
  const file = relative(corpusDir, path);
  const out: HexEntry[] = [];
  let comments: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const text = raw.trim();
      if (text === '') {
        comments = [];
        return;
      }
      if (text.startsWith('#')) {
        comments.push(text.slice(1).trim());
        return;
      }
      // Comment-only items (MRT records with no message, listed "nothing listed") and the file's
      // header sit above some messages too: keep the block from the message's own `type=` line.
      let first = -1;
      comments.forEach((c, k) => {
        if (/(^|\s)type=/.test(c)) first = k;
      });
      if (first > 0) comments = comments.slice(first);
      const all = comments.join(' ');
      const status = /\bstatus=([a-z-]+)/.exec(all)?.[1];
      out.push({
        file,
        line: i + 1,
        comments,
        bytes: new Uint8Array(Buffer.from(text, 'hex')),
        status,
      });
      comments = [];
    });
  return out;
}
