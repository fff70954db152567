// Hedgehog preview: plays the exported flows in the page, by the engine's rules.
// Made by `hedgehog preview` (bot/dialogue/preview.py); the data is inlined above this script.
"use strict";

(function () {
  const DATA = window.HEDGEHOG;

  // ------------------------------------------------------------------ values, as Python sees them

  class Markup {
    constructor(s) { this.s = s; }
    toString() { return this.s; }
  }

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&#34;").replace(/'/g, "&#39;");
  }

  // An inline `a if b` without `else` is Jinja's plain Undefined: empty and false, even
  // under the strict undefined the bot uses everywhere else.
  const SOFT = Object.freeze({ soft: true });

  function pyStr(v) {
    if (v === SOFT) return "";
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (v instanceof Markup) return v.s;
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
    if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
    if (typeof v === "object") return "{" + Object.keys(v).map((k) => pyRepr(k) + ": " + pyRepr(v[k])).join(", ") + "}";
    return String(v);
  }

  function pyRepr(v) {
    if (typeof v === "string") return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    return pyStr(v);
  }

  function truthy(v) {
    if (v === null || v === undefined || v === SOFT || v === false || v === 0 || v === "") return false;
    if (v instanceof Markup) return v.s !== "";
    if (Array.isArray(v)) return v.length > 0;
    if (typeof v === "object") return Object.keys(v).length > 0;
    return true;
  }

  const isNum = (v) => typeof v === "number" || typeof v === "boolean";
  const plain = (v) => (v instanceof Markup ? v.s : v);

  function pyEq(a, b) {
    a = plain(a); b = plain(b);
    if (isNum(a) && isNum(b)) return Number(a) === Number(b);
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
    if (a === undefined) a = null;
    if (b === undefined) b = null;
    return a === b;
  }

  function pyOrder(a, b) {
    a = plain(a); b = plain(b);
    if (isNum(a) && isNum(b)) return Number(a) - Number(b);
    if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
    throw new Error("cannot compare " + pyRepr(a) + " with " + pyRepr(b));
  }

  function pyIn(a, b) {
    b = plain(b);
    if (typeof b === "string") return b.includes(pyStr(plain(a)));
    if (Array.isArray(b)) return b.some((x) => pyEq(x, a));
    if (b && typeof b === "object") return Object.prototype.hasOwnProperty.call(b, plain(a));
    throw new Error("'in' needs a text, a list or a mapping");
  }

  const codepoints = (s) => Array.from(s);
  const pyLen = (v) => {
    v = plain(v);
    if (typeof v === "string") return codepoints(v).length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === "object") return Object.keys(v).length;
    throw new Error("object of type " + typeof v + " has no len()");
  };

  function rstripChars(s, chars) {
    let end = s.length;
    while (end > 0 && chars.includes(s[end - 1])) end--;
    return s.slice(0, end);
  }
  const pyStrip = (s) => s.trim();

  // ------------------------------------------------------------------ read-back (bot/dialogue/readback.py)

  const TRAILING = ".!?…,;:";
  const SENTENCE_END = /(?<=[.!?…])\s+(?=\S)/u;
  const WORD = "[\\p{L}\\p{N}][\\p{L}\\p{N}_'\\u2019-]*";
  const WORD_ALL = () => new RegExp(WORD, "gu");
  const WORD_START = new RegExp("^" + WORD, "u");
  const LONGEST_FITTED = 160;
  const SUBJECTS = new Set(["i", "you", "he", "she", "they", "we", "it"]);
  const OBJECTS = new Set(["us", "him", "her", "them", "me", "you", "it"]);
  const orEmpty = (v) => (truthy(v) ? pyStr(v) : "");

  const stripEnd = (text) => rstripChars(text.trimEnd(), TRAILING + " \t\n").trimEnd();
  const isI = (word) => word === "I" || /^I['\u2019][a-z]{1,2}$/.test(word);
  const isUpperChar = (c) => /^\p{Lu}$/u.test(c);

  function names(text) {
    const found = new Set();
    for (const sentence of text.split(SENTENCE_END)) {
      const words = sentence.match(WORD_ALL()) || [];
      for (const w of words.slice(1)) if (w && isUpperChar(codepoints(w)[0])) found.add(w);
    }
    return found;
  }

  function keepsCapital(word, known) {
    if (isI(word) || known.has(word)) return true;
    const letters = codepoints(word).filter((c) => /\p{L}/u.test(c));
    return letters.length >= 2 && letters.every(isUpperChar);
  }

  function lowerFirst(text, known) {
    const m = text.match(WORD_START);
    if (!m || keepsCapital(m[0], known)) return text;
    const first = codepoints(text)[0];
    return first.toLowerCase() + text.slice(first.length);
  }

  const fixI = (text) =>
    text.replace(/(?<![\p{L}\p{N}_'\u2019])i(?=$|[\s,.!?;:]|['\u2019](?:m|ve|d|ll)(?![\p{L}\p{N}_]))/gu, "I");

  const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  function dropLeading(text, phrases) {
    const ordered = phrases.slice().sort((a, b) => codepoints(b).length - codepoints(a).length);
    for (;;) {
      let match = null;
      for (const phrase of ordered) {
        const pattern = new RegExp("^\\s*" + reEscape(phrase) + "(?![\\p{L}\\p{N}_'\\u2019])[\\s,:]*", "iu");
        match = text.match(pattern);
        if (match) break;
      }
      if (!match) return text;
      const rest = text.slice(match[0].length);
      if (!stripChars(rest, TRAILING + " ")) return text;
      text = rest;
    }
  }

  function stripChars(s, chars) {
    let start = 0;
    while (start < s.length && chars.includes(s[start])) start++;
    return rstripChars(s.slice(start), chars);
  }

  const ASKING = new Set(DATA.asking);

  function asks(answer) {
    for (const part of pyStrip(orEmpty(answer)).split(SENTENCE_END)) {
      if (!part.includes("?")) continue;
      const words = part.match(WORD_ALL()) || [];
      if (rstripChars(part, TRAILING + " ").includes("?") || (words.length && ASKING.has(words[0].toLowerCase()))) return true;
    }
    return false;
  }

  function fits(answer) {
    const text = stripEnd(orEmpty(answer));
    if (!text) return false;
    const sentences = text.split(SENTENCE_END);
    return codepoints(text).length <= LONGEST_FITTED && !asks(answer) && sentences.length <= 2;
  }

  const quote = (answer) => "“" + pyStrip(orEmpty(answer)).replace(/“/g, "‘").replace(/”/g, "’") + "”";

  function fit(answer, ...drop) {
    if (answer === null || answer === undefined) return "";
    const raw = pyStrip(pyStr(answer));
    if (!raw) return "";
    if (!fits(raw)) return quote(raw);
    const known = names(raw);
    const text = dropLeading(fixI(stripEnd(raw)), drop.map(pyStr));
    const sentences = text.split(SENTENCE_END).map(stripEnd);
    return sentences.filter((s) => s).map((s) => lowerFirst(s, known)).join(", ");
  }

  function isEnded(text) {
    const stripped = rstripChars(orEmpty(text).trimEnd(), "”’\"')");
    return stripped.length > 0 && ".!?…".includes(stripped[stripped.length - 1]);
  }

  function sentence(answer) {
    const text = rstripChars(pyStrip(orEmpty(answer)), ",;: ");
    if (!text) return "";
    return isEnded(text) ? text : text + ".";
  }

  function isSomeoneTo(clause) {
    const words = orEmpty(clause).match(WORD_ALL()) || [];
    return words.length >= 2 && OBJECTS.has(words[0].toLowerCase()) && words[1].toLowerCase() === "to";
  }

  function isClause(answer) {
    const words = orEmpty(answer).match(WORD_ALL()) || [];
    const m = pyStrip(orEmpty(answer)).match(WORD_START);
    return m !== null && words.length >= 2 && SUBJECTS.has(m[0].toLowerCase());
  }

  const THINGS = new Set(DATA.moves.things);
  const TIMED = new RegExp(DATA.timed, "i");
  const BEFORE_DOING = new Set(DATA.moves.before_doing);
  const NOT_DOING = new Set(DATA.moves.not_doing);
  const HE = new Set(DATA.moves.he);
  const SHE = new Set(DATA.moves.she);

  function doing(word) {
    const w = word.toLowerCase();
    return codepoints(w).length > 4 && w.endsWith("ing") && !NOT_DOING.has(w);
  }

  function does(word) {
    const w = word.toLowerCase();
    if (["has", "does", "is", "was"].includes(w)) return true;
    return codepoints(w).length > 2 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is");
  }

  function pronoun(...answers) {
    const words = new Set();
    for (const a of answers) for (const w of orEmpty(a).match(WORD_ALL()) || []) words.add(w.toLowerCase());
    const he = [...words].some((w) => HE.has(w));
    const she = [...words].some((w) => SHE.has(w));
    return he && !she ? "he" : she && !he ? "she" : null;
  }

  function iDo(answer) {
    const text = fit(answer, "when", "so", "then", "and then");
    if (!fits(answer) || !text || isClause(text)) return text;
    const words = text.match(WORD_ALL()) || [];
    return (words.length && doing(words[0]) ? "I'm " : "I ") + text;
  }

  function theyDo(answer, ...others) {
    const text = fit(answer, "and then", "then", "and", "so");
    if (!fits(answer) || !text) return text;
    const words = text.match(WORD_ALL()) || [];
    if (isClause(text) || (words.length >= 2 && ["my", "our"].includes(words[0].toLowerCase()))) return text;
    const first = words.find((w) => !BEFORE_DOING.has(w.toLowerCase())) || (words.length ? words[0] : "");
    if (words.length && (THINGS.has(words[0].toLowerCase()) || doing(words[0]))) return "what comes back is " + text;
    if (first && does(first)) return (pronoun(answer, ...others) || "my partner") + " " + text;
    return "they " + text;
  }

  // ------------------------------------------------------------------ templates (bot/dialogue/jsrender.py)

  const keepMarkup = (v, f) => (v instanceof Markup ? new Markup(f(v.s)) : f(pyStr(v)));

  const FILTERS = {
    fit: (v, ...a) => fit(v, ...a),
    quote: (v) => quote(v),
    sentence: (v) => sentence(v),
    opening: (v) => { const s = pyStr(v); return s.slice(0, 1).toUpperCase() + s.slice(1); },
    i_do: (v) => iDo(v),
    they_do: (v, ...a) => theyDo(v, ...a),
    length: pyLen,
    count: pyLen,
    lower: (v) => keepMarkup(v, (s) => s.toLowerCase()),
    upper: (v) => keepMarkup(v, (s) => s.toUpperCase()),
    capitalize: (v) => keepMarkup(v, (s) => { const c = codepoints(s); return c.length ? c[0].toUpperCase() + c.slice(1).join("").toLowerCase() : ""; }),
    title: (v) => keepMarkup(v, (s) => s.replace(/([\p{L}\p{N}]+)/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase())),
    trim: (v) => keepMarkup(v, (s) => s.trim()),
    replace: (v, old, neu, count) => {
      let s = pyStr(v); const o = pyStr(old); const n = pyStr(neu);
      if (count === undefined || count === null || count < 0) return s.split(o).join(n);
      let out = "";
      for (let i = 0; i < count; i++) { const at = s.indexOf(o); if (at < 0) break; out += s.slice(0, at) + n; s = s.slice(at + o.length); }
      return out + s;
    },
    join: (v, sep) => {
      const items = Array.isArray(v) ? v : v && typeof v === "object" ? Object.keys(v) : codepoints(pyStr(v));
      const glue = sep === undefined ? "" : sep;
      if (items.some((x) => x instanceof Markup) || glue instanceof Markup) {
        return new Markup(items.map(outText).join(outText(glue)));
      }
      return items.map(pyStr).join(pyStr(glue));
    },
    default: (v, d, boolean) => (v === undefined || (truthy(boolean) && !truthy(v)) ? (d === undefined ? "" : d) : v),
    wordcount: (v) => (pyStr(v).match(/[\p{L}\p{N}_]+/gu) || []).length,
    string: (v) => (v instanceof Markup ? v : pyStr(v)),
    int: (v, d) => {
      if (typeof v === "boolean") return Number(v);
      if (typeof v === "number") return Math.trunc(v);
      const n = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(pyStr(v)) ? Math.trunc(parseFloat(pyStr(v))) : NaN;
      return Number.isNaN(n) ? (d === undefined ? 0 : d) : n;
    },
    first: (v) => (Array.isArray(v) ? v[0] : codepoints(pyStr(v))[0]),
    last: (v) => (Array.isArray(v) ? v[v.length - 1] : codepoints(pyStr(v)).slice(-1)[0]),
    e: (v) => (v instanceof Markup ? v : new Markup(escapeHtml(pyStr(v)))),
  };
  FILTERS.clock = (v) => clockSaid(v);
  FILTERS.d = FILTERS.default;
  FILTERS.escape = FILTERS.e;


  // bot/dialogue/clock.py, line for line: a time of day as people type it, or null.
  const CLOCK_WORDS = DATA.clock_words;
  const CLOCK_TIME = /^(\d{1,2})(?:(?:[:.h]|\s)(\d{2})|(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?$/;
  const CLOCK_HALF = /^half\s+(\d{1,2})\s*(a\.?\s?m\.?|p\.?\s?m\.?)?$/;
  const CLOCK_AROUND = /^(?:it'?s|it is|now|right now|about|around|roughly|exactly|just|here)\s+|\s+(?:o'?clock|now|here|right now|exactly)$/g;
  function clockStrip(text) {
    text = text.trim().toLowerCase().replace(/\u2019/g, "'").replace(/[.!? ]+$/, "");
    for (;;) {
      const shorter = text.replace(CLOCK_AROUND, "").trim();
      if (shorter === text) return text;
      text = shorter;
    }
  }
  function clockMeridiem(hour, minute, suffix) {
    if (suffix) {
      if (!(hour >= 1 && hour <= 12)) return null;
      hour = (hour % 12) + (suffix.startsWith("p") ? 12 : 0);
    }
    if (hour > 23 || minute > 59) return null;
    return [hour, minute];
  }
  function readClock(text) {
    if (typeof text !== "string" || codepoints(text).length > 40) return null;
    const cleaned = clockStrip(text);
    if (Object.prototype.hasOwnProperty.call(CLOCK_WORDS, cleaned)) return CLOCK_WORDS[cleaned];
    const half = CLOCK_HALF.exec(cleaned);
    if (half) return clockMeridiem(parseInt(half[1], 10), 30, half[2]);
    const m = CLOCK_TIME.exec(cleaned);
    if (!m) return null;
    if (m[3] && m[1].length !== 2) return null;
    return clockMeridiem(parseInt(m[1], 10), parseInt(m[2] || m[3] || "0", 10), m[4]);
  }
  function clockSaid(text) {
    const read = readClock(text);
    if (read === null) return "";
    const [hour, minute] = read;
    if (hour === 12 && minute === 0) return "noon";
    if (hour === 0 && minute === 0) return "midnight";
    const suffix = hour < 12 ? "am" : "pm";
    const shown = hour % 12 || 12;
    return minute === 0 ? shown + " " + suffix : shown + ":" + String(minute).padStart(2, "0") + " " + suffix;
  }

  const TESTS = {
    clause: isClause,
    clock: (v) => readClock(v) !== null,
    fitting: fits,
    ended: isEnded,
    timed: (v) => TIMED.test(pyStrip(orEmpty(v))),
    first_person: (v) => { const m = pyStrip(orEmpty(v)).match(WORD_START); return m !== null && isI(m[0]); },
    someone_to: isSomeoneTo,
    none: (v) => v === null,
    defined: (v) => v !== undefined,
    undefined: (v) => v === undefined,
    string: (v) => typeof v === "string" || v instanceof Markup,
    number: (v) => typeof v === "number" || typeof v === "boolean",
    true: (v) => v === true,
    false: (v) => v === false,
    sameas: (v, o) => v === o,
    eq: (v, o) => pyEq(v, o),
    ne: (v, o) => !pyEq(v, o),
    in: (v, o) => pyIn(v, o),
  };

  function outText(v) {
    if (v === undefined) throw new Error("a variable is not set");
    if (v === SOFT) return "";
    return v instanceof Markup ? v.s : escapeHtml(pyStr(v));
  }

  function lookup(scope, name) {
    return name in scope ? scope[name] : null; // the bot fills a missing variable with None
  }

  function item(obj, key) {
    obj = plain(obj);
    if (obj === null || obj === undefined) throw new Error("None has no attribute " + pyRepr(key));
    if (Array.isArray(obj) && typeof key === "number") return obj[key < 0 ? obj.length + key : key];
    if (typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
    return undefined;
  }

  function evaluate(e, scope) {
    switch (e[0]) {
      case "const": return e[1];
      case "name": return lookup(scope, e[1]);
      case "item": return item(evaluate(e[1], scope), evaluate(e[2], scope));
      case "not": return !truthy(evaluate(e[1], scope));
      case "neg": return -evaluate(e[1], scope);
      case "and": { const a = evaluate(e[1], scope); return truthy(a) ? evaluate(e[2], scope) : a; }
      case "or": { const a = evaluate(e[1], scope); return truthy(a) ? a : evaluate(e[2], scope); }
      case "bin": return binary(e[1], evaluate(e[2], scope), evaluate(e[3], scope));
      case "cmp": {
        let left = evaluate(e[1], scope);
        for (const [op, right] of e[2]) {
          const r = evaluate(right, scope);
          if (!compare(op, left, r)) return false;
          left = r;
        }
        return true;
      }
      case "cond":
        if (truthy(evaluate(e[1], scope))) return evaluate(e[2], scope);
        return e[3] === null ? SOFT : evaluate(e[3], scope);
      case "concat": {
        const parts = e[1].map((x) => evaluate(x, scope));
        if (parts.some((p) => p instanceof Markup)) return new Markup(parts.map(outText).join(""));
        return parts.map(pyStr).join("");
      }
      case "list": return e[1].map((x) => evaluate(x, scope));
      case "dict": { const d = {}; for (const [k, v] of e[1]) d[pyStr(evaluate(k, scope))] = evaluate(v, scope); return d; }
      case "filter": return FILTERS[e[1]](evaluate(e[2], scope), ...args(e[3], scope));
      case "test": return TESTS[e[1]](evaluate(e[2], scope), ...args(e[3], scope));
      case "call": {
        const f = evaluate(e[1], scope);
        if (typeof f !== "function") throw new Error("only macros can be called");
        return f(...args(e[2], scope));
      }
      default: throw new Error("unknown expression " + e[0]);
    }
  }

  function args(list, scope) {
    const out = [];
    for (const a of list) {
      if (a[0] === "splat") out.push(...plain(evaluate(a[1], scope)));
      else out.push(evaluate(a, scope));
    }
    return out;
  }

  function binary(op, a, b) {
    a = plain(a); b = plain(b);
    if (op === "+") {
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
      return Number(a) + Number(b);
    }
    if (op === "-") return Number(a) - Number(b);
    if (op === "*") return typeof a === "string" ? a.repeat(Number(b)) : Number(a) * Number(b);
    if (op === "/") return Number(a) / Number(b);
    if (op === "//") return Math.floor(Number(a) / Number(b));
    if (op === "%") { const m = Number(a) % Number(b); return m !== 0 && (m < 0) !== (Number(b) < 0) ? m + Number(b) : m; }
    throw new Error("unknown operator " + op);
  }

  function compare(op, a, b) {
    switch (op) {
      case "eq": return pyEq(a, b);
      case "ne": return !pyEq(a, b);
      case "gt": return pyOrder(a, b) > 0;
      case "gteq": return pyOrder(a, b) >= 0;
      case "lt": return pyOrder(a, b) < 0;
      case "lteq": return pyOrder(a, b) <= 0;
      case "in": return pyIn(a, b);
      case "notin": return !pyIn(a, b);
      default: throw new Error("unknown comparison " + op);
    }
  }

  function assign(scope, target, value) {
    if (typeof target === "string") { scope[target] = value; return; }
    const values = Array.isArray(value) ? value : codepoints(pyStr(value));
    target.forEach((name, i) => { scope[name] = values[i]; });
  }

  function exec(body, scope, out) {
    for (const s of body) {
      switch (s[0]) {
        case "seq":
          for (const part of s[1]) out.push(part[0] === "data" ? part[1] : outText(evaluate(part[1], scope)));
          break;
        case "if": {
          const branch = s[1].find(([test]) => truthy(evaluate(test, scope)));
          exec(branch ? branch[1] : s[2], scope, out);
          break;
        }
        case "for": {
          const seq = plain(evaluate(s[2], scope));
          const items = Array.isArray(seq) ? seq : typeof seq === "string" ? codepoints(seq) : seq && typeof seq === "object" ? Object.keys(seq) : [];
          items.forEach((value, i) => {
            const inner = Object.create(scope);
            inner.loop = { index: i + 1, index0: i, first: i === 0, last: i === items.length - 1, length: items.length, revindex: items.length - i, revindex0: items.length - i - 1 };
            assign(inner, s[1], value);
            exec(s[3], inner, out);
          });
          if (!items.length) exec(s[4], scope, out);
          break;
        }
        case "macro": {
          const [, name, params, body] = s;
          scope[name] = (...values) => {
            const inner = Object.create(scope);
            params.forEach((p, i) => { inner[p] = values[i]; });
            const buf = [];
            exec(body, inner, buf);
            return new Markup(buf.join(""));
          };
          break;
        }
        case "set": assign(scope, s[1], evaluate(s[2], scope)); break;
        case "include": exec(DATA.templates[s[1]], Object.create(scope), out); break;
        default: throw new Error("unknown statement " + s[0]);
      }
    }
  }

  // Prompt.render: the template with the variables, stripped.
  function render(key, vars) {
    const out = [];
    exec(DATA.templates[key], Object.assign(Object.create(null), vars), out);
    return out.join("").trim();
  }

  function holds(test, vars) {
    return truthy(evaluate(test, Object.assign(Object.create(null), vars)));
  }

  // ------------------------------------------------------------------ the engine's rules (bot/engine/run.py)

  const MAX_HOPS = 200;
  const flowOf = (id) => DATA.flows[id];


  // bot/dialogue/answers.py `fold`, `wants_skip` and `scale_value`, line for line.
  const SKIP_WORDS = new Set(DATA.skip.words);
  function fold(text) {
    const folded = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().replace(/['\u2019]/g, "");
    return folded.replace(/[^\w\s]+/g, " ").split(/\s+/).filter((w) => w).join(" ");
  }
  const NUMBER_WORDS = DATA.numbers;
  const WORD_NUMBER = new RegExp("\\b(" + Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join("|") + ")\\b", "g");
  function scaleValue(text) {
    let said = text.normalize("NFKC").toLowerCase().trim();
    said = said.replace(/[^\p{L}\p{N}_\s\/.,-]+/gu, " ");
    said = said.replace(WORD_NUMBER, (_, w) => String(NUMBER_WORDS[w]));
    said = said.replace(/\s*(?:\/|out of|outta|of)\s*10\b/g, " ");
    if (said.split(/\s+/).filter((w) => w).length > 12) return null;
    const found = new Set((said.match(/-?\d+(?:[.,]\d+)?/g) || []).map((n) => parseFloat(n.replace(",", "."))));
    if (found.size !== 1) return null;
    const value = [...found][0];
    return value >= 0 ? Math.trunc(value + 0.5) : Math.trunc(value);
  }

  function comparable(text) {
    const folded = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase();
    return folded.replace(/[^\w\s]+/g, " ").split(/\s+/).filter((w) => w).join(" ");
  }

  function redirectFor(flowId, vars) {
    const flow = flowOf(flowId);
    if (!truthy(vars.not_safe) || !flow || flow.tags["moves-toward-partner"] !== true) return flowId;
    const instead = Object.values(DATA.flows).find((f) => f.tags.role === "violence-support");
    return instead ? instead.id : flowId;
  }

  class Player {
    constructor(ui) {
      this.ui = ui;
      this.state = null;
    }

    start(flowId, given) {
      const id = redirectFor(flowId, given || {});
      const flow = flowOf(id);
      this.state = { flow: id, step: flow.start, vars: {}, stack: [], status: "active", asked: 0 };
      const vars = Object.assign({}, flow.vars, given || {});
      this.ui.started(id);
      this.enter(id, flow.start, vars);
    }

    step() {
      return flowOf(this.state.flow).steps[this.state.step];
    }

    system(key, context) {
      const name = DATA.system[key];
      if (name) this.ui.bot(render(name, context), { system: key });
    }

    // --- input

    press(choiceId) {
      if (!this.state || this.state.status !== "active") return;
      const step = this.step();
      this.ui.person(step.scale ? choiceId : choiceId === DATA.skip.id ? DATA.skip.label : (step.choices.find((c) => c.id === choiceId) || {}).label || choiceId, true);
      if (step.scale) this.onScale(step, choiceId);
      else if (choiceId === DATA.skip.id) this.onSkip(step);
      else if (step.choices.some((c) => c.id === choiceId)) this.choose(step, choiceId);
      else this.askAgain(step, "stale_button");
    }

    type(text) {
      if (!this.state || this.state.status !== "active") return;
      const step = this.step();
      this.ui.person(text, false);
      const answer = text.trim();
      if (!answer) { this.askAgain(step, "reask_empty"); return; }
      const label = comparable(answer);
      for (const c of step.choices) {
        if (comparable(c.label) === label || c.id === answer.toLowerCase()) { this.choose(step, c.id); return; }
      }
      if ((step.ask || step.scale) && SKIP_WORDS.has(fold(answer))) this.onSkip(step);
      else if (step.ask) {
        let value = answer;
        const length = codepoints(answer).length;
        if (length > step.ask.max) {
          this.system("truncated", { limit: step.ask.max, length });
          value = codepoints(answer).slice(0, step.ask.max).join("").trimEnd();
        }
        this.answer(step, step.ask.var, value);
      } else if (step.scale) this.onScale(step, answer);
      else this.askAgain(step, "reask_choice");
    }

    onScale(step, raw) {
      if (raw === DATA.skip.id) { this.onSkip(step); return; }
      const value = scaleValue(raw);
      if (value === null || value < step.scale.low || value > step.scale.high) { this.askAgain(step, "reask_scale"); return; }
      this.answer(step, step.scale.var, value);
    }

    onSkip(step) {
      const asked = step.ask || step.scale;
      if (!asked || !asked.skippable) { this.askAgain(step, "cannot_skip"); return; }
      const vars = Object.assign({}, this.state.vars, { [asked.var]: null });
      this.ui.answered(this.state.flow, step.id, asked.var, null);
      this.fire(step, "next", vars, "Skip");
    }

    choose(step, choiceId) {
      const choice = step.choices.find((c) => c.id === choiceId);
      const vars = Object.assign({}, this.state.vars, choice.set);
      for (const [name, value] of Object.entries(choice.set)) this.ui.answered(this.state.flow, step.id, name, value);
      this.fire(step, "choose:" + choiceId, vars, choice.label, choice);
    }

    answer(step, name, value) {
      const vars = Object.assign({}, this.state.vars, { [name]: value });
      this.ui.answered(this.state.flow, step.id, name, value);
      this.fire(step, "next", vars, "answer");
    }

    // --- moving

    route(flowId, step, trigger, vars, choice) {
      if (choice && choice.goto) return { to: choice.goto, why: "button “" + choice.label + "”", line: choice.line };
      for (const r of step.next) {
        if (r.test === null || holds(r.test, vars)) {
          return { to: r.goto, why: r.when ? "when " + r.when : trigger.startsWith("choose:") ? "button, then next" : "next", line: r.line };
        }
      }
      return null;
    }

    fire(step, trigger, vars, how, choice) {
      const flowId = this.state.flow;
      const taken = this.route(flowId, step, trigger, vars, choice);
      if (!taken) { this.askAgain(step, "reask_choice"); return; }
      this.ui.took(flowId, step.id, taken, how);
      this.enter(flowId, taken.to, vars);
    }

    enter(flowId, stepId, vars) {
      const stack = this.state.stack.slice();
      let asked = this.state.asked || 0;
      for (let hop = 0; hop < MAX_HOPS; hop++) {
        const flow = flowOf(flowId);
        const step = flow.steps[stepId];
        this.ui.entered(flowId, step);
        const text = step.say ? render(step.say.template, vars) : "";
        for (const effect of step.effects) {
          this.ui.effect(flowId, step, effect, vars);
          if (effect.kind === "note_unsafe") vars.not_safe = true;
          if (effect.kind === "clear_unsafe") vars.not_safe = false;
        }
        if (step.waits) {
          asked += 1;
          this.state = { flow: flowId, step: step.id, vars, stack, status: "active", asked };
          this.ui.question(flowId, step, text);
          return;
        }
        if (text) this.ui.bot(text, { flow: flowId, step: step.id });
        if (step.call && !flowOf(redirectFor(step.call, vars))) {
          // Left out of this preview (its file has errors): go on as if it had ended.
          this.ui.notice(step.call + " is left out of this preview (`hedgehog check` says why): going on as if it ended");
        } else if (step.call) {
          stack.push({ flow: flowId, step: step.id });
          const callee = redirectFor(step.call, vars);
          for (const [name, value] of Object.entries(flowOf(callee).vars)) if (!(name in vars)) vars[name] = value;
          this.ui.called(flowId, step, callee);
          flowId = callee;
          stepId = flowOf(callee).start;
          continue;
        }
        if (step.end) {
          if (!stack.length) {
            this.state = { flow: flowId, step: step.id, vars, stack, status: step.end, asked };
            this.ui.ended(flowId, step);
            return;
          }
          const frame = stack.pop();
          this.ui.returned(flowId, step, frame);
          flowId = frame.flow;
          stepId = frame.step;
        }
        const here = flowOf(flowId).steps[stepId];
        const taken = this.route(flowId, here, "next", vars, null);
        if (!taken) break;
        this.ui.took(flowId, here.id, taken, here.call ? "after " + here.call : "next");
        stepId = taken.to;
      }
      this.state = { flow: flowId, step: stepId, vars, stack: [], status: "stopped", asked };
      this.ui.bot("(the flow did not come to rest: a loop of messages)", { error: true });
    }

    askAgain(step, note) {
      if (note) {
        this.system(note, {
          expects: step.scale ? "scale" : step.ask ? "text" : "choice",
          skippable: Boolean(step.ask && step.ask.skippable),
          low: step.scale ? step.scale.low : 0,
          high: step.scale ? step.scale.high : 10,
          kind: "",
        });
      }
      const text = step.say ? render(step.say.template, this.state.vars) : "";
      this.ui.question(this.state.flow, step, text, true);
    }

    setVar(name, value) {
      if (!this.state) return;
      this.state.vars[name] = value;
      if (this.state.status === "active") this.askAgain(this.step(), null);
    }
  }

  // ------------------------------------------------------------------ the graph

  function layout(flow) {
    const ids = Object.keys(flow.steps);
    const targets = (s) => {
      const step = flow.steps[s];
      const out = [];
      for (const c of step.choices) if (c.goto && flow.steps[c.goto]) out.push({ to: c.goto, label: c.label });
      for (const r of step.next.slice().reverse()) if (flow.steps[r.goto]) out.push({ to: r.goto, label: r.when || (step.call ? "after " + step.call : "") });
      return out;
    };
    const state = {}, order = [], back = new Set();
    const visit = (sid) => {
      state[sid] = 1;
      for (const t of targets(sid)) {
        if (state[t.to] === 1) back.add(sid + "\u0000" + t.to);
        else if (!state[t.to]) visit(t.to);
      }
      state[sid] = 2;
      order.push(sid);
    };
    visit(flow.start);
    for (const sid of ids) if (!state[sid]) visit(sid);
    order.reverse();
    const layer = {};
    for (const sid of order) layer[sid] = layer[sid] || 0;
    for (const sid of order) {
      for (const t of targets(sid)) {
        if (back.has(sid + "\u0000" + t.to)) continue;
        layer[t.to] = Math.max(layer[t.to] || 0, layer[sid] + 1);
      }
    }
    const rows = [];
    for (const sid of order) (rows[layer[sid]] = rows[layer[sid]] || []).push(sid);
    const W = 168, H = 34, GX = 22, GY = 46;
    const pos = {};
    const widest = Math.max(...rows.map((r) => (r ? r.length : 0)));
    rows.forEach((row, y) => {
      if (!row) return;
      const offset = ((widest - row.length) * (W + GX)) / 2;
      row.forEach((sid, x) => { pos[sid] = { x: 60 + offset + x * (W + GX), y: 10 + y * (H + GY) }; });
    });
    const edges = [];
    for (const sid of ids) for (const t of targets(sid)) edges.push({ from: sid, to: t.to, label: t.label, back: back.has(sid + "\u0000" + t.to) });
    return { pos, edges, W, H, width: 130 + widest * (W + GX), height: 20 + rows.length * (H + GY) };
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, parent) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (parent) parent.appendChild(el);
    return el;
  }

  // ------------------------------------------------------------------ the page

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const covered = (flowId) => (DATA.coverage && DATA.coverage.flows && DATA.coverage.flows[flowId]) || null;

  class UI {
    constructor() {
      this.chat = $("#chat");
      this.pathList = $("#path");
      this.visited = new Set();
      this.taken = new Set();
      this.graphFlow = null;
      this.player = new Player(this);
      this.answers = [];
    }

    // chat
    scroll() { this.chat.scrollTop = this.chat.scrollHeight; }

    bot(text, meta) {
      const m = el("div", "msg bot" + (meta.system ? " system" : "") + (meta.error ? " error" : ""));
      const body = el("div", "text");
      body.innerHTML = text.replace(/\n/g, "<br>");
      m.dataset.raw = text; // exactly what the bot would send (Telegram HTML)
      m.appendChild(body);
      if (meta.step) m.dataset.step = meta.flow + ":" + meta.step;
      if (meta.step) m.appendChild(this.source(meta.flow, flowOf(meta.flow).steps[meta.step]));
      if (meta.system) m.appendChild(el("div", "src", "the engine's words: " + DATA.system[meta.system]));
      this.chat.appendChild(m);
      this.scroll();
      return m;
    }

    source(flowId, step) {
      const flow = flowOf(flowId);
      const s = el("div", "src");
      const where = flow.file + ":" + step.line;
      const tpl = step.say ? (step.say.file ? (DATA.sources[step.say.template] || {}).path || step.say.template : "inline at " + flow.file + ":" + step.say.line) : "no words";
      s.textContent = flowId + ":" + step.id + " · " + where + " · " + tpl;
      return s;
    }

    person(text, pressed) {
      for (const b of this.chat.querySelectorAll(".choices button")) b.disabled = true;
      const m = el("div", "msg person" + (pressed ? " pressed" : ""), text);
      this.chat.appendChild(m);
      this.scroll();
    }

    question(flowId, step, text, again) {
      const m = this.bot(text, { flow: flowId, step: step.id });
      m.classList.add("question");
      const row = el("div", "choices");
      const add = (id, label) => {
        const b = el("button", "", label);
        b.type = "button";
        b.dataset.choice = id;
        b.addEventListener("click", () => this.player.press(id));
        row.appendChild(b);
      };
      for (const c of step.choices) add(c.id, c.label);
      if (step.scale) for (let v = step.scale.low; v <= step.scale.high; v++) add(String(v), String(v));
      if ((step.ask || step.scale || {}).skippable) add(DATA.skip.id, DATA.skip.label);
      if (row.children.length) m.insertBefore(row, m.lastChild);
      const progress = this.progress(flowId, step);
      if (progress) {
        // Telegram shows it under the question (bot/transports/telegram/render.py, with_progress).
        const p = el("div", "progress");
        p.innerHTML = "<i>" + progress[0] + " of about " + progress[1] + "</i>";
        p.dataset.progress = progress.join("/");
        m.insertBefore(p, m.children[1]);
      }
      const hint = step.ask ? "type your answer (up to " + step.ask.max + " characters)" : step.scale ? "tap a number or type one" : "tap a button, or type its words";
      $("#answer").placeholder = hint;
      this.showWhere(flowId, step);
      if (!again) this.drawGraph(flowId, step.id);
      else this.drawGraph(flowId, step.id);
    }

    // "Question N of about M" for the visit, as bot/engine/run.py `progress` works it out:
    // N questions put so far (this one included), M adds the longest way on from here, in
    // this flow and in each caller once it returns.
    progress(flowId, step) {
      const state = this.player.state;
      const asked = Math.max(state.asked || 0, 1);
      let total = asked - 1 + (flowOf(flowId).ahead[step.id] ?? 1);
      for (const frame of state.stack.slice().reverse()) {
        const caller = flowOf(frame.flow);
        if (caller) total += caller.onward[frame.step] ?? 0;
      }
      total = Math.max(total, asked);
      return total > 1 ? [asked, total] : null;
    }

    started(flowId) {
      this.chat.appendChild(el("div", "note start", "▶ " + flowOf(flowId).title + " (" + flowId + ")"));
    }

    entered(flowId, step) {
      this.visited.add(flowId + ":" + step.id);
      const li = el("li", "", flowId + ":" + step.id);
      li.dataset.step = flowId + ":" + step.id;
      this.pathList.appendChild(li);
      this.pathList.scrollTop = this.pathList.scrollHeight;
    }

    took(flowId, stepId, taken, how) {
      this.taken.add(flowId + ":" + stepId + "\u0000" + taken.to);
      const n = el("div", "note branch", "↳ " + stepId + " → " + taken.to + " (" + taken.why + ")");
      n.dataset.from = flowId + ":" + stepId;
      n.dataset.to = flowId + ":" + taken.to;
      this.chat.appendChild(n);
      const last = this.pathList.lastElementChild;
      if (last) last.title = taken.why;
    }

    notice(text) {
      this.chat.appendChild(el("div", "note missing", "⚠ " + text));
    }

    called(flowId, step, callee) {
      this.chat.appendChild(el("div", "note call", "⤷ " + flowId + ":" + step.id + " calls " + callee));
    }

    returned(flowId, step, frame) {
      this.chat.appendChild(el("div", "note call", "⤶ " + flowId + " ended at " + step.id + ", back to " + frame.flow + ":" + frame.step));
    }

    ended(flowId, step) {
      const n = el("div", "note end", "■ " + flowId + " ended at " + step.id + " (" + step.end + ")");
      n.id = "ended";
      this.chat.appendChild(n);
      this.showWhere(flowId, step);
      this.drawGraph(flowId, step.id);
      this.scroll();
    }

    effect(flowId, step, effect, vars) {
      // A prompt file the effect renders (a follow-up's plan) is shown as the bot keeps it:
      // plain text, one line (Prompt.text).
      const words = Object.entries(effect.words || {}).map(([param, key]) => {
        const holder = document.createElement("div");
        holder.innerHTML = render(key, vars || {});
        return " " + param + ": " + holder.textContent.split(/\s+/).filter((w) => w).join(" ");
      });
      this.chat.appendChild(el("div", "note effect", "⚙ " + effect.kind + " " + JSON.stringify(effect.params) + words.join("")));
    }

    answered(flowId, stepId, name, value) {
      this.answers.push({ flow: flowId, step: stepId, name, value });
    }

    // side panel
    showWhere(flowId, step) {
      const flow = flowOf(flowId);
      const where = $("#where");
      where.innerHTML = "";
      where.dataset.step = flowId + ":" + step.id;
      const rows = [
        ["flow", flowId + " (v" + flow.version + ")"],
        ["step", step.id],
        ["source", flow.file + ":" + step.line],
        ["template", step.say ? (step.say.file ? (DATA.sources[step.say.template] || {}).path || step.say.template : "inline, " + flow.file + ":" + step.say.line) : "—"],
        ["walked", !covered(flowId) ? "not measured" : covered(flowId).steps_missing.includes(step.id) ? "no transcript walks this step" : "by the golden transcripts"],
        ["waits for", step.ask ? "text → " + step.ask.var + (step.ask.skippable ? " (skippable)" : "") : step.scale ? step.scale.low + "–" + step.scale.high + " → " + step.scale.var : step.choices.length ? "a button" : "—"],
      ];
      for (const [k, v] of rows) {
        const r = el("div", "kv");
        r.appendChild(el("span", "k", k));
        r.appendChild(el("span", "v", v));
        r.dataset.key = k;
        where.appendChild(r);
      }
      this.showVars();
    }

    showVars() {
      const box = $("#vars");
      box.innerHTML = "";
      const vars = this.player.state ? this.player.state.vars : {};
      for (const name of Object.keys(vars).sort()) {
        const r = el("label", "var");
        r.appendChild(el("span", "k", name));
        const input = el("input");
        input.value = JSON.stringify(vars[name]);
        input.dataset.var = name;
        input.addEventListener("change", () => {
          let value;
          try { value = JSON.parse(input.value); } catch (e) { value = input.value; }
          this.player.setVar(name, value);
        });
        r.appendChild(input);
        box.appendChild(r);
      }
    }

    drawGraph(flowId, current) {
      const flow = flowOf(flowId);
      const box = $("#graph");
      box.innerHTML = "";
      box.appendChild(el("div", "graph-title", flow.title + " · " + flow.file));
      const g = layout(flow);
      const root = svg("svg", { width: g.width, height: g.height, viewBox: "0 0 " + g.width + " " + g.height });
      svg("defs", {}, root).innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>';
      const cov = covered(flowId);
      for (const e of g.edges) {
        const a = g.pos[e.from], b = g.pos[e.to];
        if (!a || !b) continue;
        const x1 = a.x + g.W / 2, y1 = a.y + g.H, x2 = b.x + g.W / 2, y2 = b.y;
        const skips = !e.back && y2 - y1 > g.H * 2 && Math.abs(x2 - x1) < g.W;
        const d = e.back || y2 <= y1
          ? "M " + (a.x + g.W) + " " + (a.y + g.H / 2) + " C " + (a.x + g.W + 60) + " " + (a.y + g.H / 2) + ", " + (b.x + g.W + 60) + " " + (b.y + g.H / 2) + ", " + (b.x + g.W) + " " + (b.y + g.H / 2)
          : skips // past the steps between: around them, on the left
            ? "M " + a.x + " " + (a.y + g.H / 2) + " C " + (a.x - 50) + " " + (a.y + g.H / 2) + ", " + (b.x - 50) + " " + (b.y + g.H / 2) + ", " + b.x + " " + (b.y + g.H / 2)
            : "M " + x1 + " " + y1 + " C " + x1 + " " + (y1 + 30) + ", " + x2 + " " + (y2 - 30) + ", " + x2 + " " + y2;
        const cls = "edge" + (this.taken.has(flowId + ":" + e.from + "\u0000" + e.to) ? " taken" : "") + (e.back ? " back" : "");
        const p = svg("path", { d, class: cls, "marker-end": "url(#arrow)" }, root);
        p.dataset.from = e.from;
        p.dataset.to = e.to;
        svg("title", {}, p).textContent = e.from + " → " + e.to + (e.label ? " (" + e.label + ")" : "");
      }
      for (const [sid, p] of Object.entries(g.pos)) {
        const step = flow.steps[sid];
        let cls = "node";
        if (sid === current) cls += " current";
        else if (this.visited.has(flowId + ":" + sid)) cls += " visited";
        if (step.end) cls += " end";
        if (step.call) cls += " call";
        if (cov && cov.steps_missing && cov.steps_missing.includes(sid)) cls += " uncovered";
        const node = svg("g", { class: cls, transform: "translate(" + p.x + "," + p.y + ")" }, root);
        node.dataset.step = sid;
        svg("rect", { width: g.W, height: g.H, rx: step.end ? 17 : 5 }, node);
        const label = sid + (step.call ? " → " + step.call : "");
        const t = svg("text", { x: g.W / 2, y: g.H / 2 + 4, "text-anchor": "middle" }, node);
        t.textContent = label.length > 24 ? label.slice(0, 23) + "…" : label;
        svg("title", {}, node).textContent = sid + " · " + flow.file + ":" + step.line;
      }
      box.appendChild(root);
      const here = root.querySelector(".node.current");
      if (here && here.scrollIntoView) here.scrollIntoView({ block: "nearest", inline: "nearest" });
    }

    // review mode
    review() {
      const box = $("#review");
      box.innerHTML = "";
      const comments = JSON.parse(localStorage.getItem("hedgehog-review") || "{}");
      for (const fid of DATA.order) {
        const flow = flowOf(fid);
        const section = el("section", "flow");
        section.appendChild(el("h2", "", flow.title + " (" + fid + ")"));
        section.appendChild(el("p", "summary", flow.summary + " · " + flow.file + " · version " + flow.version));
        for (const step of Object.values(flow.steps)) {
          if (!step.say && !step.choices.length) continue;
          const item = el("article", "prompt");
          item.dataset.step = fid + ":" + step.id;
          item.appendChild(el("h3", "", fid + ":" + step.id));
          item.appendChild(this.source(fid, step));
          if (step.say) {
            const shown = el("div", "text");
            try { shown.innerHTML = render(step.say.template, Object.assign({}, flow.vars)).replace(/\n/g, "<br>"); }
            catch (err) { shown.textContent = "(shown only with answers: " + err.message + ")"; }
            item.appendChild(shown);
            const src = DATA.sources[step.say.template];
            const raw = el("pre", "template", src ? src.text : step.say.text || "");
            item.appendChild(raw);
          }
          if (step.choices.length) item.appendChild(el("div", "labels", "Buttons: " + step.choices.map((c) => "[" + c.label + "]").join(" ")));
          if (step.ask) item.appendChild(el("div", "labels", "Free text" + (step.ask.skippable ? ", can be skipped" : "")));
          if (step.scale) item.appendChild(el("div", "labels", "A number from " + step.scale.low + " to " + step.scale.high));
          const key = fid + ":" + step.id;
          const note = el("textarea", "comment");
          note.placeholder = "Comment on " + key;
          note.value = comments[key] || "";
          note.addEventListener("input", () => {
            comments[key] = note.value;
            localStorage.setItem("hedgehog-review", JSON.stringify(comments));
          });
          item.appendChild(note);
          section.appendChild(item);
        }
        box.appendChild(section);
      }
      $("#export-comments").onclick = () => {
        const lines = [];
        for (const fid of DATA.order) for (const step of Object.values(flowOf(fid).steps)) {
          const key = fid + ":" + step.id;
          if (comments[key]) lines.push(key + " (" + flowOf(fid).file + ":" + step.line + "): " + comments[key].trim());
        }
        $("#comments-out").value = lines.join("\n") || "No comments yet.";
      };
    }

    restart(flowId) {
      this.chat.innerHTML = "";
      this.pathList.innerHTML = "";
      this.visited.clear();
      this.taken.clear();
      this.answers = [];
      this.player.start(flowId, {});
    }
  }

  function boot() {
    const ui = new UI();
    const pick = $("#flow");
    for (const fid of DATA.order) {
      const o = el("option", "", flowOf(fid).title + " (" + fid + ")");
      o.value = fid;
      pick.appendChild(o);
    }
    const hash = decodeURIComponent(location.hash.slice(1));
    if (DATA.flows[hash]) pick.value = hash;
    pick.addEventListener("change", () => ui.restart(pick.value));
    $("#restart").addEventListener("click", () => ui.restart(pick.value));
    $("#form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("#answer");
      ui.player.type(input.value);
      input.value = "";
    });
    const tabs = { play: $("#play-view"), review: $("#review-view") };
    for (const name of Object.keys(tabs)) {
      $("#tab-" + name).addEventListener("click", () => {
        for (const [n, view] of Object.entries(tabs)) { view.hidden = n !== name; $("#tab-" + n).classList.toggle("on", n === name); }
        if (name === "review") ui.review();
      });
    }
    const link = $("#coverage-link");
    if (DATA.coverage) {
      const p = DATA.coverage.percent;
      link.textContent = "Coverage: steps " + p.steps + " %, choices " + p.choices + " %, transitions " + p.transitions + " %";
    } else {
      link.textContent = "Coverage (not measured yet)";
      link.title = "hedgehog coverage -o <this folder>, then hedgehog preview again";
    }
    $("#made").textContent = "made " + DATA.made + " · " + Object.keys(DATA.flows).length + " flows";
    ui.restart(pick.value);
    window.hedgehogPreview = { ui, render, holds, fit, sentence, quote, fits, isClause, isSomeoneTo, isEnded, iDo, theyDo };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
