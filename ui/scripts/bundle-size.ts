// Prints the gzipped size of the JavaScript the browser loads before the first screen
// (the entry script and its modulepreloads in dist/index.html) and fails above the budget.
//   npm run build && npm run size
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET_KB = 150;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
const gz = (f: string) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
let total = 0;
for (const f of initial) {
  const n = gz(f);
  total += n;
  console.log(`initial  ${(n / 1024).toFixed(1).padStart(7)} KB  ${f}`);
}
let all = 0;
for (const f of readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"))) all += gz(`assets/${f}`);
console.log(`initial JS: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB); all JS incl. lazy chunks: ${(all / 1024).toFixed(1)} KB`);
if (total / 1024 > BUDGET_KB) {
  console.error("over budget");
  process.exit(1);
}
