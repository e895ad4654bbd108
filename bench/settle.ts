/**
 * A collected, swept heap and an idle process before a measurement, so that no measurement
 * pays for the garbage of the one before it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** gc() of `--expose-gc`, or the same function from a fresh context when the flag was not given. */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const collectGarbage = garbageCollector();

/** CPU time of the process so far (user + system, every thread), in milliseconds. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Collects the garbage, then waits (at most 2 s) until the process stops using CPU. gc()
 * returns before V8's helper threads have swept the heap it collected; their work would
 * otherwise be charged to whatever is measured next (process CPU time counts every thread):
 * after a model build of 10,000 namespaces, to a rule of a few milliseconds, several times its
 * own cost.
 */
export function settleHeap(): void {
  collectGarbage();
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + 2000;
  while (performance.now() < deadline) {
    const before = processCpuMs();
    Atomics.wait(nap, 0, 0, 5);
    if (processCpuMs() - before < 0.25) return;
  }
}
