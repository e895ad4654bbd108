import { readdirSync, readFileSync } from 'node:fs';
import { summarizeProfile } from './profile.js';
const dir = process.argv[2]!;
const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'))!;
const f = summarizeProfile(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'))).filter((x) => x.where.includes('src/'));
for (const r of [...f].sort((a, b) => b.selfMs - a.selfMs).slice(0, 25)) console.log(r.selfMs.toFixed(0).padStart(7), r.totalMs.toFixed(0).padStart(7), r.where);
