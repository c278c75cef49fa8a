// The workspace's file stamps, kept up to date between reads. The first read walks every folder
// (as the list and glob tools do: .gitignore respected) and stats every file; meanwhile each folder
// gets a watcher (inotify on Linux), and later reads re-list and re-stat only the folders that had
// an event since. The
// watchers are hints, never the truth: the stamps of a folder that had an event are re-read from
// the disk, and whenever the hints may be incomplete the next read walks everything again. A shell
// call then costs a few stats instead of two walks of the whole workspace (20,000 files: about
// half a second a call on a slow file system).
import { lstatSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { readFolder, scopesFor, type IgnoreScope } from './walk-workspace.js';
import { SNAPSHOT_ENTRY_LIMIT, sameStamp, type FileStamp } from './workspace-snapshot.js';

/** Past this many folder events between two reads, the next read walks everything: the kernel's event queue may have overflowed, and then its events are lost without a word. */
export const MAX_EVENTS_BETWEEN_READS = 1_000;

/**
 * At most this many folders are watched. Inotify watches are shared by every program of the user
 * (8,192 in all on older kernels; editors and build tools use them too): a larger workspace is
 * walked whole at each read instead, and openkoi holds none.
 */
export const MAX_WATCHED_FOLDERS = 4_096;

type Watch = (path: string, listener: (event: string, filename: string | Buffer | null) => void) => FSWatcher;

interface Folder {
  scopes: IgnoreScope[];
  files: Map<string, FileStamp>; // workspace-relative path → stamp
  folders: Set<string>; // workspace-relative paths of the sub-folders
  watcher?: FSWatcher;
}

/** What one read found: the stamps now, and each path whose stamp changed since the read before (with its stamp then; absent: the file is new). */
export interface StampsRead {
  /** Valid until the next read (it is the live map, not a copy). */
  snapshot: ReadonlyMap<string, FileStamp>;
  changed: Map<string, FileStamp | undefined>;
}

export interface WorkspaceStampsOptions {
  /** Tests pass one; default: fs.watch on Linux, none elsewhere (folder watches there do not report file changes reliably on every file system). */
  watch?: Watch | undefined;
  maxEventsBetweenReads?: number;
  maxWatchedFolders?: number;
}

const defaultWatch: Watch | undefined = process.platform === 'linux' ? (path, listener) => watchFolder(path, { persistent: false }, listener) : undefined;

export class WorkspaceStamps {
  private readonly folders = new Map<string, Folder>();
  /** Every file's stamp, all folders together. */
  private readonly stamps = new Map<string, FileStamp>();
  /** Paths whose stamp changed since the last read, with the stamp at that read (first change wins). */
  private changed = new Map<string, FileStamp | undefined>();
  private readonly dirty = new Set<string>();
  private readonly watch: Watch | undefined;
  private readonly maxEvents: number;
  private readonly maxFolders: number;
  /** Set when watching failed or the workspace has too many folders: from then on every read walks everything, watching nothing. */
  private watchingGivenUp = false;
  private events = 0;
  /** False until a complete walk with a watcher on every folder: until then, and after any doubt, a read walks everything. */
  private hintsComplete = false;
  /** Entries listed by the current full walk; past SNAPSHOT_ENTRY_LIMIT the rest is not watched. */
  private entries = 0;

  constructor(
    private readonly workspace: string,
    options: WorkspaceStampsOptions = {},
  ) {
    this.watch = 'watch' in options ? options.watch : defaultWatch;
    this.maxEvents = options.maxEventsBetweenReads ?? MAX_EVENTS_BETWEEN_READS;
    this.maxFolders = options.maxWatchedFolders ?? MAX_WATCHED_FOLDERS;
  }

  /** Workspace-relative path → stamp of every file now (regular files only; .gitignore respected), and what changed since the last read. */
  async read(): Promise<StampsRead> {
    // Events of writes already made are queued in the kernel; one turn of the event loop delivers them.
    if (this.watch) await new Promise((resolve) => setImmediate(resolve));
    if (!this.hintsComplete || this.events > this.maxEvents) this.walkEverything();
    else this.refreshDirty();
    const changed = this.changed;
    this.changed = new Map();
    return { snapshot: this.stamps, changed };
  }

  /** Stops watching. A later read walks everything (and reports what changed meanwhile). */
  close(): void {
    for (const folder of this.folders.values()) folder.watcher?.close();
    this.folders.clear();
    this.dirty.clear();
    this.hintsComplete = false;
  }

  private setStamp(path: string, stamp: FileStamp | undefined): void {
    const old = this.stamps.get(path);
    if (sameStamp(old, stamp)) return;
    if (!this.changed.has(path)) this.changed.set(path, old);
    if (stamp) this.stamps.set(path, stamp);
    else this.stamps.delete(path);
  }

  private walkEverything(): void {
    this.close();
    // Every stamp is read again; what is not found again is gone.
    const before = [...this.stamps.keys()];
    this.events = 0;
    this.entries = 0;
    let complete = this.watch !== undefined && !this.watchingGivenUp;
    const visit = (relative: string, scopes: IgnoreScope[], ownLoaded: boolean): void => {
      if (!this.loadFolder(relative, scopes, ownLoaded, visit)) complete = false;
    };
    visit('', scopesFor(this.workspace, ''), true);
    for (const path of before) if (!this.folders.get(folderOf(path))?.files.has(path)) this.setStamp(path, undefined);
    this.hintsComplete = complete && this.entries < SNAPSHOT_ENTRY_LIMIT;
    if (!this.hintsComplete && this.watch && !this.watchingGivenUp) this.giveUpWatching();
  }

  /**
   * Lists and stats one folder, watching it first so that a change made while it is read is an
   * event (read again next time) rather than lost. Sub-folders are handed to `visit`. Returns
   * false when the folder could not be watched (the hints are then incomplete).
   */
  private loadFolder(relative: string, inherited: IgnoreScope[], ownLoaded: boolean, visit: (relative: string, scopes: IgnoreScope[], ownLoaded: boolean) => void): boolean {
    const previous = this.folders.get(relative);
    let watcher: FSWatcher | undefined;
    let watched = true;
    if (this.watch && !this.watchingGivenUp && (previous || this.folders.size < this.maxFolders)) {
      // A new watcher each time the folder is read: the old one may be watching a folder that was
      // removed and made again under the same name (often with the same inode number), and sees
      // nothing of the new one. On the same folder, the kernel keeps one watch for both.
      try {
        watcher = this.watch(join(this.workspace, relative), (_event, filename) => this.onEvent(relative, filename));
        // A watcher that fails later (its folder removed, the watch limit) leaves a gap: walk everything next time.
        watcher.on('error', () => (this.hintsComplete = false));
      } catch {
        watched = false; // the watch limit (ENOSPC), or a folder that vanished
      }
    } else if (this.watch) {
      watched = false;
    }
    previous?.watcher?.close();
    const listing = readFolder(this.workspace, relative, inherited, ownLoaded);
    const folder: Folder = { scopes: listing?.scopes ?? inherited, files: new Map(), folders: new Set(), ...(watcher ? { watcher } : {}) };
    this.folders.set(relative, folder);
    const stale = new Set(previous?.files.keys());
    for (const entry of listing?.entries ?? []) {
      // The limit is the full walk's, as takeSnapshot's; a refresh reads only folders that changed.
      if (this.entries >= SNAPSHOT_ENTRY_LIMIT) return false;
      this.entries++;
      if (entry.isDirectory) {
        folder.folders.add(entry.path);
        if (!this.folders.has(entry.path)) visit(entry.path, folder.scopes, false);
        continue;
      }
      try {
        const stat = lstatSync(join(this.workspace, entry.path));
        if (stat.isFile()) {
          const stamp = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
          folder.files.set(entry.path, stamp);
          stale.delete(entry.path);
          this.setStamp(entry.path, stamp);
        }
      } catch {
        // gone between the listing and the stat
      }
    }
    for (const path of stale) this.setStamp(path, undefined);
    return watched;
  }

  private onEvent(relative: string, filename: string | Buffer | null): void {
    this.events++;
    // New ignore rules change what every folder below lists: walk everything.
    if (filename === null || String(filename) === '.gitignore') this.hintsComplete = false;
    else this.dirty.add(relative);
  }

  private refreshDirty(): void {
    this.entries = 0; // a refresh counts only what it lists itself
    // Parents first, so a removed or added sub-folder is settled before its own events are read.
    const order = [...this.dirty].sort((a, b) => a.split('/').length - b.split('/').length);
    this.dirty.clear();
    this.events = 0;
    for (const relative of order) {
      const folder = this.folders.get(relative);
      if (!folder) continue; // removed with its parent
      const before = new Set(folder.folders);
      const visit = (path: string, scopes: IgnoreScope[], ownLoaded: boolean): void => {
        if (!this.loadFolder(path, scopes, ownLoaded, visit)) this.hintsComplete = false;
      };
      // Its parents' rules still apply; its own .gitignore is read again with the listing.
      const inherited = folder.scopes.filter((scope) => scope.base !== relative);
      if (!this.loadFolder(relative, inherited, false, visit)) this.hintsComplete = false;
      const now = this.folders.get(relative)!;
      for (const gone of before) if (!now.folders.has(gone)) this.forget(gone);
    }
  }

  /** Watches that leave gaps are not worth holding: close them all, and walk everything from now on. */
  private giveUpWatching(): void {
    this.watchingGivenUp = true;
    for (const folder of this.folders.values()) {
      folder.watcher?.close();
      delete folder.watcher;
    }
    this.dirty.clear();
  }

  /** A folder that is gone (or no longer listed): it and everything below stop being watched. */
  private forget(relative: string): void {
    const folder = this.folders.get(relative);
    if (!folder) return;
    folder.watcher?.close();
    this.folders.delete(relative);
    this.dirty.delete(relative);
    for (const path of folder.files.keys()) this.setStamp(path, undefined);
    for (const child of folder.folders) this.forget(child);
  }
}

/** The workspace-relative folder that holds `path` ('' for the root). */
function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}
