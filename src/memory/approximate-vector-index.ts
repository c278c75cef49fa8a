import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Database } from './database.js';
import type { EmbeddingSpace } from './vector-index.js';

// usearch is a native addon, loaded only when a space is large enough to need it.
const require = createRequire(import.meta.url);

/** The part of usearch's `Index` used here (usearch ships its own types; this keeps them optional). */
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads?: number): { keys: BigUint64Array; distances: Float32Array };
  save(path: string): void;
  view(path: string): void;
  load(path: string): void;
  contains(key: bigint): boolean;
  remove(keys: BigUint64Array): number | number[];
  size(): number;
}
type UsearchIndexConstructor = new (config: {
  metric: 'cos';
  dimensions: number;
  quantization: 'f32';
  connectivity: number;
  expansion_add?: number;
  expansion_search: number;
}) => UsearchIndex;

/** What an index file covers, kept beside it; the vec0 table stays the source of truth. */
interface IndexRecord {
  format: 1;
  model: string;
  dimension: number;
  /** Keys in the file. When it was written, exactly the vec0 rows, all with rowid ≤ maxRowid. */
  rows: number;
  maxRowid: number;
  /** The index file, in the same folder (a new name per write, so a reader never sees half a file). */
  file: string;
  /** Ids ≤ maxRowid whose vector was stored after the file was written (a back-fill or a replacement). */
  dirty: number[];
}

/** HNSW parameters measured in docs/benchmarks.md (memory): recall@10 0.967 at 100k × 512 real vectors. */
const CONNECTIVITY = 16;
const EXPANSION_SEARCH = 256;
/** Vectors stored since the file was written are scanned exactly (a vec0 point lookup each); past this many, the file is updated. */
const MAX_PENDING = 64;
/** Deleted vectors are filtered out of the hits (the search asks for k + deleted); past this many, the file is updated. */
const MAX_DELETED = 256;

export interface ApproximateSearch {
  hits: Array<{ id: number; distance: number }>;
  /** The file as it was, or built afresh, or updated from the table first. */
  file: 'used' | 'built' | 'updated';
}

/**
 * An HNSW index (usearch) of one embedding space's vec0 table, in a file next to openkoi.db that a
 * short-lived process memory-maps (`view`) instead of loading. It is a cache: missing, unreadable
 * or covering rows that changed, it is rebuilt from the vec0 table; vectors added since the build
 * are scanned exactly and merged; vectors deleted since the build are filtered out of the hits.
 */
export class ApproximateVectorIndex {
  private opened: { file: string; index: UsearchIndex } | undefined;

  /**
   * `writeInline` false: a search never builds or updates the file (at 100k vectors a build takes
   * minutes); it answers undefined instead, so the caller scans exactly and has `refresh()` run
   * elsewhere (openkoi starts `openkoi memory index` in the background).
   */
  constructor(
    private readonly database: Database,
    private readonly space: EmbeddingSpace,
    private readonly recordPath: string,
    private readonly Index: UsearchIndexConstructor,
    private readonly writeInline = true,
  ) {}

  /** Builds or updates the file now if it needs it (under the lock); 'busy' when another process holds the lock. */
  refresh(): 'built' | 'updated' | 'current' | 'busy' {
    const record = this.usableRecord();
    const state = record ? this.compare(record) : undefined;
    if (record && state && state.newer.length + record.dirty.length <= MAX_PENDING && state.deleted <= MAX_DELETED) return 'current';
    const written = this.whileLocked(() => (record && state ? this.update(record) : this.build()));
    if (!written) return 'busy';
    return record && state ? 'updated' : 'built';
  }

  /** usearch, or undefined where it cannot load (not installed, no build for this platform). */
  static loadLibrary(): UsearchIndexConstructor | undefined {
    try {
      return (require('usearch') as { Index: UsearchIndexConstructor }).Index;
    } catch {
      return undefined;
    }
  }

  /** The record file of a space's index: `openkoi.db.vectors-<space>.json` beside the database. */
  static recordPathOf(databasePath: string, space: EmbeddingSpace): string {
    return `${databasePath}.vectors-${space.id}.json`;
  }

  /** A vector stored at or below the rowids a file covers is one the file may lack or hold stale: noted in the record. */
  static noteStored(recordPath: string, memoryId: number): void {
    const record = readRecord(recordPath);
    if (!record || memoryId > record.maxRowid || record.dirty.includes(memoryId)) return;
    writeRecord(recordPath, { ...record, dirty: [...record.dirty, memoryId] });
  }

  /** Forgets the index of a space whose table is dropped. */
  static remove(recordPath: string): void {
    const record = readRecord(recordPath);
    if (record) removeIndex(recordPath, record);
  }

  /**
   * The k nearest, or undefined (the caller scans exactly) while another process writes the file,
   * or when the file needs writing and writes are not inline.
   */
  nearest(vector: Float32Array, k: number): ApproximateSearch | undefined {
    let record = this.usableRecord();
    let file: ApproximateSearch['file'] = 'used';
    let state = record ? this.compare(record) : undefined;
    if (record && !state) record = undefined; // the counts do not add up: the file is not what the record says
    const needsUpdate = record !== undefined && state !== undefined && (state.newer.length + record.dirty.length > MAX_PENDING || state.deleted > MAX_DELETED);
    if (!this.writeInline && (needsUpdate || !record || !state)) return undefined;
    if (record && state && needsUpdate) {
      const current = record;
      record = this.whileLocked(() => this.update(current));
      if (!record) return undefined;
      state = { newer: [], deleted: 0 };
      file = 'updated';
    }
    if (!record || !state) {
      record = this.whileLocked(() => this.build());
      if (!record) return undefined;
      state = { newer: [], deleted: 0 };
      file = 'built';
    }
    const dirty = new Set(record.dirty);
    const index = this.open(record);
    const found = index.search(vector, Math.min(record.rows, k + state.deleted + dirty.size), 1);
    let hits = Array.from(found.keys, (key, position) => ({ id: Number(key), distance: found.distances[position]! })).filter((hit) => !dirty.has(hit.id));
    if (state.deleted > 0 && hits.length > 0) {
      const present = new Set(
        (this.database.prepare(`SELECT rowid AS id FROM ${this.space.table}_rowids WHERE rowid IN (SELECT value FROM json_each(?))`).all(JSON.stringify(hits.map((hit) => hit.id))) as Array<{ id: number | bigint }>).map(
          (row) => Number(row.id),
        ),
      );
      hits = hits.filter((hit) => present.has(hit.id));
    }
    // Vectors stored since the file was written: few (at most MAX_PENDING), scanned exactly by
    // point lookups (a vec0 `rowid IN (...)` reads the whole table in sqlite-vec 0.1.9).
    const distance = this.database.prepare(`SELECT vec_distance_cosine(embedding, ?) AS distance FROM ${this.space.table} WHERE rowid = ?`);
    for (const id of [...state.newer, ...dirty]) {
      const row = distance.get(vector, BigInt(id)) as { distance: number } | undefined;
      if (row) hits.push({ id, distance: row.distance });
    }
    hits.sort((a, b) => a.distance - b.distance || a.id - b.id);
    return { hits: hits.slice(0, k), file };
  }

  /**
   * How the table differs from the file: the ids stored above maxRowid (up to one past the
   * limit) and how many of the file's keys are gone from the table. Undefined when the counts
   * cannot be explained (rows appeared at or below maxRowid without passing through put()).
   */
  private compare(record: IndexRecord): { newer: number[]; deleted: number } | undefined {
    const table = this.space.table;
    // COUNT(*) of a plain table is cheap in SQLite; the rows above maxRowid are a short range.
    const total = (this.database.prepare(`SELECT COUNT(*) AS count FROM ${table}_rowids`).get() as { count: number }).count;
    const newer = (this.database.prepare(`SELECT rowid AS id FROM ${table}_rowids WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(record.maxRowid, MAX_PENDING + 1) as Array<{ id: number | bigint }>).map(
      (row) => Number(row.id),
    );
    if (newer.length > MAX_PENDING) return { newer, deleted: 0 }; // an update follows, which recounts
    let backFilled = 0;
    if (record.dirty.length > 0) {
      const present = this.database.prepare(`SELECT 1 FROM ${table}_rowids WHERE rowid = ?`);
      const inFile = this.open(record);
      for (const id of record.dirty) if (present.get(BigInt(id)) && !inFile.contains(BigInt(id))) backFilled += 1;
    }
    const deleted = record.rows - (total - newer.length - backFilled);
    return deleted < 0 ? undefined : { newer, deleted };
  }

  private usableRecord(): IndexRecord | undefined {
    const record = readRecord(this.recordPath);
    if (!record || record.model !== this.space.model || record.dimension !== this.space.dimension) return undefined;
    if (!existsSync(join(dirname(this.recordPath), record.file))) return undefined;
    return record;
  }

  private open(record: IndexRecord): UsearchIndex {
    if (this.opened?.file === record.file) return this.opened.index;
    const index = this.newIndex();
    index.view(join(dirname(this.recordPath), record.file));
    this.opened = { file: record.file, index };
    return index;
  }

  private newIndex(): UsearchIndex {
    return new this.Index({ metric: 'cos', dimensions: this.space.dimension, quantization: 'f32', connectivity: CONNECTIVITY, expansion_search: EXPANSION_SEARCH });
  }

  /**
   * Runs a write of the file unless another process is at it: two processes never spend minutes
   * building the same file. A lock left by a process that died, or older than an hour, is taken over.
   */
  private whileLocked<T>(write: () => T): T | undefined {
    const lock = `${this.recordPath}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !lockIsAbandoned(lock)) return undefined;
        rmSync(lock, { force: true });
        continue;
      }
      try {
        return write();
      } finally {
        rmSync(lock, { force: true });
      }
    }
    return undefined;
  }

  /** Builds the file from the vec0 table in one read transaction. */
  private build(): IndexRecord {
    const { ids, vectors } = this.pack(this.database.prepare(`SELECT rowid AS id, embedding FROM ${this.space.table} ORDER BY rowid`).all() as Array<{ id: number | bigint; embedding: Buffer }>);
    const index = this.newIndex();
    if (ids.length > 0) index.add(ids, vectors, 0);
    return this.publish(index, ids.length, ids.length > 0 ? Number(ids[ids.length - 1]) : 0);
  }

  /**
   * Brings a loaded copy of the file up to the table, cheaper than a rebuild: removes the keys whose
   * rows are gone and the dirty ones, adds the dirty and newer vectors as they are now.
   */
  private update(record: IndexRecord): IndexRecord {
    const table = this.space.table;
    const index = this.newIndex();
    index.load(join(dirname(this.recordPath), record.file));
    const covered = new Set((this.database.prepare(`SELECT rowid AS id FROM ${table}_rowids WHERE rowid <= ?`).all(record.maxRowid) as Array<{ id: number | bigint }>).map((row) => Number(row.id)));
    const gone: bigint[] = [];
    for (let id = 1; id <= record.maxRowid; id++) if (!covered.has(id)) gone.push(BigInt(id));
    for (const id of record.dirty) gone.push(BigInt(id));
    const removedCounts = gone.length > 0 ? index.remove(new BigUint64Array(gone)) : [];
    const removed = (Array.isArray(removedCounts) ? removedCounts : [removedCounts]).reduce((sum, count) => sum + count, 0);
    const newer = (this.database.prepare(`SELECT rowid AS id FROM ${table}_rowids WHERE rowid > ? ORDER BY rowid`).all(record.maxRowid) as Array<{ id: number | bigint }>).map((row) => Number(row.id));
    const embedding = this.database.prepare(`SELECT embedding FROM ${table} WHERE rowid = ?`);
    const rows: Array<{ id: number; embedding: Buffer }> = [];
    for (const id of [...record.dirty, ...newer]) {
      const row = embedding.get(BigInt(id)) as { embedding: Buffer } | undefined;
      if (row) rows.push({ id, embedding: row.embedding });
    }
    const { ids, vectors } = this.pack(rows);
    if (ids.length > 0) index.add(ids, vectors, 0);
    return this.publish(index, record.rows - removed + ids.length, newer.length > 0 ? newer[newer.length - 1]! : record.maxRowid);
  }

  private pack(rows: Array<{ id: number | bigint; embedding: Buffer }>): { ids: BigUint64Array; vectors: Float32Array } {
    const ids = new BigUint64Array(rows.length);
    const vectors = new Float32Array(rows.length * this.space.dimension);
    const bytes = new Uint8Array(vectors.buffer);
    const width = this.space.dimension * 4;
    rows.forEach((row, position) => {
      if (row.embedding.byteLength !== width) throw new Error(`Vector ${row.id} of ${this.space.model} has ${row.embedding.byteLength} bytes where ${width} were expected.`);
      ids[position] = BigInt(row.id);
      bytes.set(row.embedding, position * width); // copied: a Buffer's offset need not be 4-aligned
    });
    return { ids, vectors };
  }

  /** Saves under a new name, then points the record at it: a reader never maps half a file. */
  private publish(index: UsearchIndex, rows: number, maxRowid: number): IndexRecord {
    const previous = readRecord(this.recordPath);
    const file = `${basename(this.recordPath, '.json')}.${Date.now().toString(36)}-${process.pid}.usearch`;
    const path = join(dirname(this.recordPath), file);
    index.save(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
    const record: IndexRecord = { format: 1, model: this.space.model, dimension: this.space.dimension, rows, maxRowid, file, dirty: [] };
    writeRecord(this.recordPath, record);
    // An older file may still be mapped by another process; unlinking it leaves that mapping intact.
    if (previous && previous.file !== file) rmSync(join(dirname(this.recordPath), previous.file), { force: true });
    return record;
  }
}

function readRecord(recordPath: string): IndexRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as IndexRecord;
    return record.format === 1 && typeof record.file === 'string' && basename(record.file) === record.file && Number.isInteger(record.rows) && Number.isInteger(record.maxRowid) && Array.isArray(record.dirty) ? record : undefined;
  } catch {
    return undefined;
  }
}

function lockIsAbandoned(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > 60 * 60 * 1000) return true;
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' || (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function writeRecord(recordPath: string, record: IndexRecord): void {
  const temporary = `${recordPath}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, recordPath);
}

function removeIndex(recordPath: string, record: IndexRecord): void {
  rmSync(recordPath, { force: true });
  rmSync(join(dirname(recordPath), basename(record.file)), { force: true });
}
