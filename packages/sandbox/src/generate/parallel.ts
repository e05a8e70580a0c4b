import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { generateCompany } from "./index.js";
import type { GenerateOptions, TableChunk } from "./types.js";

/** Marks this module's own worker (other workers, e.g. a test runner's, import it too). */
const MARK = "revopsSandboxGenerate";
/** Chunks the worker may run ahead of the loader: bounds the queued rows (~1,000 a chunk) while the loader indexes. */
const AHEAD = 256;

interface Job {
  [MARK]: true;
  opts: GenerateOptions;
  /** Int32 count of the chunks the loader has taken (the worker waits when it is AHEAD behind). */
  taken: SharedArrayBuffer;
}

// the worker's side: this module (a built chunk) is its entry, so it needs no file of its own in the bundle
if (!isMainThread && (workerData as Partial<Job> | undefined)?.[MARK]) generateForLoader(workerData as Job);

function generateForLoader({ opts, taken }: Job): void {
  const count = new Int32Array(taken);
  let sent = 0;
  for (const chunk of generateCompany(opts)) {
    for (let seen = Atomics.load(count, 0); sent - seen >= AHEAD; seen = Atomics.load(count, 0))
      Atomics.wait(count, 0, seen);
    parentPort?.postMessage(chunk);
    sent++;
  }
  parentPort?.postMessage(null);
}

/**
 * Where a worker can run this module: built JavaScript that is not the process's entry script (the worker would
 * start the program again). The TypeScript sources (tests) generate on the calling thread.
 */
function workerEntry(): URL | undefined {
  const url = new URL(import.meta.url);
  if (url.protocol !== "file:" || !/\.m?js$/.test(url.pathname)) return undefined;
  try {
    const entry = process.argv[1] && realpathSync(process.argv[1]);
    return entry === realpathSync(fileURLToPath(url)) ? undefined : url;
  } catch {
    return undefined;
  }
}

/**
 * `generateCompany` on a worker thread, the chunks handed over in order: the loader inserts one chunk while the
 * next ones are generated on the other core. The same chunks as `generateCompany(opts)` (which it falls back to
 * where no worker can run); stopping early ends the worker.
 */
export async function* generateCompanyInWorker(opts: GenerateOptions = {}): AsyncGenerator<TableChunk> {
  const entry = workerEntry();
  if (!entry) {
    yield* generateCompany(opts);
    return;
  }
  const taken = new SharedArrayBuffer(4);
  const count = new Int32Array(taken);
  // the options only: a caller's may carry functions (progress callbacks), which cannot cross to a thread
  const { seed, scale, today, chunkSize } = opts;
  const job: Job = { [MARK]: true, opts: { seed, scale, today, chunkSize }, taken };
  const worker = new Worker(entry, { workerData: job });
  const queue: (TableChunk | null)[] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  worker.on("message", (m: TableChunk | null) => {
    queue.push(m);
    signal();
  });
  worker.on("error", (err) => {
    failure = err;
    signal();
  });
  // messages come before the exit: one that finds no last chunk queued means the worker died on the way
  worker.on("exit", (code) => {
    failure ??= new Error(`sandbox generator worker exited (code ${code}) before its last chunk`);
    signal();
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next === null) return;
      if (next === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      Atomics.add(count, 0, 1);
      Atomics.notify(count, 0);
      yield next;
    }
  } finally {
    await worker.terminate();
  }
}
