import { setFlagsFromString } from 'node:v8';

/**
 * A task run is a short process that makes a few HTTP requests through fetch (undici), whose HTTP
 * parser is WebAssembly. V8 compiles that module twice: Liftoff at once, then TurboFan on a
 * background thread — and the process cannot exit until that job is done, about 150 ms of CPU
 * after the answer is printed (seen with strace: the main thread waits on the platform's worker at
 * exit). Liftoff's code parses a handful of replies just as well. V8 reads the flag when it
 * compiles a module, so this runs before the first request; the long-lived `serve` keeps TurboFan.
 */
export function skipWasmOptimisingTier(): void {
  setFlagsFromString('--liftoff-only');
}
