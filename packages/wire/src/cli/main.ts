/**
 * `bgp-decode`: BGP messages (hex lines on stdin) and MRT files (plain, .gz, .bz2) to JSON
 * lines. The entry point {@link main} takes its arguments and streams, so tests run it in
 * process; `bgp-decode.ts` is the executable wrapper.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createContext, familyKey } from '../context.js';
import { AfiName, SafiName } from '../iana.js';
import { decodeMessage } from '../message.js';
import { ALL_FAMILIES } from '../mrt/context.js';
import { readMrtStream } from '../mrt/stream.js';
import { AsWidthGuesser } from './as-width.js';
import { errorToJson, type JsonObject, messageToJson } from './json.js';
import { MrtJsonFormatter } from './mrt-json.js';

/** Streams `main` reads and writes. */
export interface CliStreams {
  /** Hex lines for `--hex`. */
  readonly stdin: Readable;
  /** JSON lines. */
  readonly stdout: Writable;
  /** Usage, diagnostics and (on a TTY) progress. */
  readonly stderr: Writable & { readonly isTTY?: boolean; readonly columns?: number };
}

/** Usage text. */
export const USAGE = `usage: bgp-decode --hex [--as4 yes|no|auto] [--addpath FAMILY[,FAMILY...]]
       bgp-decode FILE...          (MRT: plain, .gz or .bz2, detected by content; - is stdin)

--hex       read one whole BGP message per line (hex, marker included) from stdin;
            lines starting with # and blank lines are skipped
--as4       AS_PATH width: yes (4-octet), no (2-octet), auto (default: from OPENs seen
            earlier, else from the message's own AGGREGATOR / AS_PATH layout)
--addpath   families whose NLRI carry ADD-PATH path identifiers: ipv4-unicast,
            ipv6-unicast, ipv4-multicast, ..., AFI/SAFI numbers such as 1/1, or all

Output: one JSON object per message or record (schema in the @bgp/wire README).
Malformed input gives {"error":{...}} lines; the exit status is 0 unless the usage is wrong (2)
or a file cannot be read (1).`;

class UsageError extends Error {}

interface Options {
  hex: boolean;
  as4: 'yes' | 'no' | 'auto';
  addPath: number[] | 'all';
  files: string[];
}

/** Parses one `--addpath` family: a name such as `ipv6-unicast` or numbers such as `2/1`. */
function parseFamily(text: string): number | 'all' {
  const t = text.trim().toLowerCase();
  if (t === 'all') return 'all';
  const nums = /^(\d+)\/(\d+)$/.exec(t);
  if (nums) return familyKey(Number(nums[1]), Number(nums[2]));
  const m = /^([a-z0-9]+)[-_/ ]([a-z0-9_-]+)$/.exec(t);
  if (m) {
    const afi = [...AfiName].find(([, n]) => n.toLowerCase() === m[1])?.[0];
    const safi = [...SafiName].find(
      ([, n]) => n.toLowerCase().replace(/_/g, '-') === m[2]!.replace(/_/g, '-'),
    )?.[0];
    if (afi !== undefined && safi !== undefined) return familyKey(afi, safi);
  }
  throw new UsageError(`unknown --addpath family "${text}"`);
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { hex: false, as4: 'auto', addPath: [], files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--hex':
        o.hex = true;
        break;
      case '--as4': {
        const v = value();
        if (v !== 'yes' && v !== 'no' && v !== 'auto')
          throw new UsageError('--as4 takes yes, no or auto');
        o.as4 = v;
        break;
      }
      case '--addpath': {
        const fams = value()
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(parseFamily);
        o.addPath = fams.includes('all') ? 'all' : (fams as number[]);
        break;
      }
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        o.files.push(arg);
    }
  }
  if (o.hex && o.files.length > 0) throw new UsageError('--hex reads stdin; give no files');
  if (!o.hex && o.files.length === 0) throw new UsageError('give --hex or an MRT file');
  return o;
}

/** Writes lines with backpressure: buffers up to 64 KiB, then waits for 'drain'. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: Writable) {}

  async line(obj: JsonObject): Promise<void> {
    const s = `${JSON.stringify(obj)}\n`;
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.out.off('drain', done);
          this.out.off('close', done);
          this.out.off('error', done);
          resolve();
        };
        this.out.once('drain', done);
        this.out.once('close', done);
        this.out.once('error', done);
      });
    }
  }
}

const HEX_LINE = /^[0-9a-fA-F]*$/;

async function decodeHexLines(o: Options, io: CliStreams, out: LineWriter): Promise<void> {
  const addPath = o.addPath === 'all' ? ALL_FAMILIES : new Set<number>(o.addPath);
  const contexts = {
    true: createContext({ fourOctetAs: true, addPath, extendedMessage: true }),
    false: createContext({ fourOctetAs: false, addPath, extendedMessage: true }),
  };
  const guesser = new AsWidthGuesser();
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    const compact = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
    if (!HEX_LINE.test(compact) || compact.length % 2 !== 0) {
      await out.line({
        error: {
          code: 0,
          subcode: 0,
          name: 'BAD_HEX',
          message: 'line is not an even number of hex digits',
        },
      });
      continue;
    }
    const bytes = new Uint8Array(Buffer.from(compact, 'hex'));
    const as4 =
      o.as4 === 'auto'
        ? guesser.fourOctetAs(bytes)
        : { fourOctetAs: o.as4 === 'yes', basis: 'option' };
    try {
      const msg = decodeMessage(bytes, contexts[`${as4.fourOctetAs}`]);
      if (msg.type === 'OPEN') guesser.sawOpen(msg.capabilities.map((c) => c.code));
      const json = messageToJson(msg);
      if (msg.type === 'UPDATE' && o.as4 === 'auto') json.as4 = as4.fourOctetAs;
      await out.line(json);
    } catch (err) {
      await out.line(errorToJson(err));
    }
  }
}

function progressBar(
  io: CliStreams,
  file: string,
): { update(n: number, records: number): void; end(): void } {
  if (!io.stderr.isTTY) return { update() {}, end() {} };
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // The reader reports the missing file.
  }
  let last = 0;
  const width = 30;
  return {
    update(n, records) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const frac = size > 0 ? Math.min(1, n / size) : 0;
      const filled = Math.round(frac * width);
      io.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${records} records`,
      );
    },
    end() {
      io.stderr.write(`\r${' '.repeat(width + 30)}\r`);
    },
  };
}

async function decodeMrtFiles(o: Options, io: CliStreams, out: LineWriter): Promise<number> {
  let status = 0;
  for (const file of o.files) {
    const formatter = new MrtJsonFormatter();
    // No size to measure progress against when reading stdin.
    const bar = file === '-' ? { update() {}, end() {} } : progressBar(io, file);
    let input = 0;
    let records = 0;
    try {
      for await (const rec of readMrtStream(file === '-' ? io.stdin : file, {
        onInput: (n) => {
          input = n;
        },
      })) {
        records++;
        bar.update(input, records);
        let json: JsonObject;
        try {
          json = formatter.format(rec);
        } catch (err) {
          // A decoder bug must not stop the file: report it on the record's line.
          json = { offset: rec.offset, ...errorToJson(err) };
        }
        await out.line(json);
      }
    } catch (err) {
      io.stderr.write(`bgp-decode: ${file}: ${(err as Error).message}\n`);
      status = 1;
    } finally {
      bar.end();
    }
  }
  return status;
}

/**
 * Runs bgp-decode and resolves to the exit status.
 *
 * @param argv - arguments (without `node` and the script)
 * @param io - streams to use (default: the process's)
 * @example
 * ```ts
 * const code = await main(['--hex'], { stdin: Readable.from(['ffff…\n']), stdout, stderr });
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliStreams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message === '') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    io.stderr.write(`bgp-decode: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const out = new LineWriter(io.stdout);
  let status = 0;
  if (o.hex) await decodeHexLines(o, io, out);
  else status = await decodeMrtFiles(o, io, out);
  await out.flush();
  return status;
}
