// What the browser tests share: named checks printed as "ok - …" / "not ok - …", assert, sleep.
let failed = 0;
let only = null;

// Runs only the checks whose name matches `re` (while working on one).
export function onlyChecks(re) { only = re; }
export async function check(name, fn) {
  if (only && !only.test(name)) return;
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    fail(`${name}: ${e && e.stack ? e.stack : e}`);
  }
}
export function fail(what) {
  failed++;
  console.log(`not ok - ${what}`);
}
export function failures() { return failed; }
export function assert(cond, what) { if (!cond) throw new Error(`assertion failed: ${what}`); }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The pages follow the browser's language (English or Dutch; resources/web/assets/i18n.js) and
// the checks read English texts: launch options that pin Chromium to English whatever the
// machine's locale (a context with its own `locale` still gets that one).
export function inEnglish(options) {
  return { ...options, args: [...(options.args || []), '--lang=en-US'],
    env: { ...process.env, LANG: 'en_US.UTF-8', LANGUAGE: 'en_US:en' } };
}
