/**
 * Benchmark 2 (collection) in a process of its own, on a fresh heap rather than one that earlier
 * benchmarks grew, with the garbage collector exposed (collect.ts promotes what each side holds
 * inside its timed window):
 *   node --expose-gc --import tsx bench/collect-worker.ts large 15
 * (fleet size, runs). Prints one JSON line (CollectResult).
 */
import { benchmarkCollection } from './collect.js';
import { SIZES } from './generator.js';

const [sizeName = 'large', runsText = '15'] = process.argv.slice(2);
const size = SIZES[sizeName as keyof typeof SIZES];
if (!size) throw new Error(`unknown fleet size ${sizeName} (${Object.keys(SIZES).join(', ')})`);
console.log(JSON.stringify(await benchmarkCollection(size, Number(runsText))));
