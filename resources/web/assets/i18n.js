// The pages' language: English, or Dutch when the browser prefers it (the first of
// navigator.languages that is one of the two); ?lang=en|nl overrides. Each page and each shared
// module keeps its own table of strings, { en: {…}, nl: {…} }, next to its code and takes its
// language's half with texts(). The HTML is written in English; translatePage() puts the
// strings in: an element's text by data-i18n="key", its aria-label, title and placeholder by
// data-i18n-label, data-i18n-title and data-i18n-placeholder.
// For tests: window.onairI18n = { lang, tables (every table by name), missing (keys the page
// asked for that its table lacks) }.

export const LANGUAGES = ['en', 'nl'];

export function pickLanguage() {
  const forced = new URLSearchParams(location.search).get('lang');
  if (LANGUAGES.includes(forced)) return forced;
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const p of prefs) {
    const code = String(p).toLowerCase().slice(0, 2);
    if (LANGUAGES.includes(code)) return code;
  }
  return 'en';
}

export const lang = pickLanguage();

const registry = { lang, tables: {}, missing: [] };
window.onairI18n = registry;

// The strings of `table` in the page's language (English for any the table lacks in it).
export function texts(name, table) {
  registry.tables[name] = table;
  return lang === 'en' ? table.en : { ...table.en, ...table[lang] };
}

const ATTRIBUTES = { 'data-i18n-label': 'aria-label', 'data-i18n-title': 'title', 'data-i18n-placeholder': 'placeholder' };

// Sets <html lang>, the marked texts and attributes from `t` (a texts() result, or several
// merged), and the title when one is given.
export function translatePage(t, title) {
  document.documentElement.lang = lang;
  const put = (el, key, set) => {
    const v = t[key];
    if (typeof v === 'string') set(v);
    else registry.missing.push(key);
  };
  for (const el of document.querySelectorAll('[data-i18n]')) put(el, el.dataset.i18n, (v) => { el.textContent = v; });
  for (const [data, attr] of Object.entries(ATTRIBUTES)) {
    for (const el of document.querySelectorAll(`[${data}]`)) put(el, el.getAttribute(data), (v) => el.setAttribute(attr, v));
  }
  if (title) document.title = title;
}
