/**
 * Formatting for the map: HTML escaping, %(name)s placeholders of translated strings, and
 * numbers, distances, surfaces and dates in the page's language.
 */

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** HTML-escape any value (null and undefined become an empty string). */
export function esc(value) {
  return String(value === null || value === undefined ? "" : value).replace(
    /[&<>"']/g,
    (ch) => ESCAPES[ch]
  );
}

/** Replace the %(name)s placeholders (and %%) of a translated string. */
export function fill(template, values) {
  return template.replace(/%\(([a-z]+)\)s|%%/g, (match, key) => (key ? values[key] : "%"));
}

/** The locale numbers and dates are written in for a page language ("en" or "id"). */
export function localeOf(language) {
  return language === "en" ? "en-GB" : "id-ID";
}

/**
 * Formatters for `lang` (a locale from localeOf) and the translated `strings`: number(n,
 * digits), distance(metres), surface(square metres) and date(ISO yyyy-mm-dd).
 */
export function formatters(lang, strings) {
  const number = (n, digits) =>
    Number(n).toLocaleString(lang, { maximumFractionDigits: digits || 0 });
  return {
    number,
    distance(m) {
      if (m < 1000) return fill(strings.metres, { n: number(m) });
      return fill(strings.kilometres, { n: number(m / 1000, 1) });
    },
    surface(m2) {
      return m2 >= 10000 ? number(m2 / 10000, 1) + " ha" : number(m2) + " m²";
    },
    date(iso) {
      const date = new Date(iso + "T00:00:00");
      return isNaN(date) ? iso : date.toLocaleDateString(lang, { dateStyle: "medium" });
    },
  };
}
