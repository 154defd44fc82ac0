/* Tome browser search engine: reads the index that `tome build` writes into
 * Public/search/ (format v5, see ARCHITECTURE.md) and answers queries exactly as the
 * Swift engine does: same analyzer, matching, BM25F arithmetic, grouping, snippets.
 * Plain ES2017, no dependencies, no eval. Terms are kept as "byte strings" (one char
 * per UTF-8 byte) so that comparisons and sorting match the Swift side byte for byte. */
(root => {
  'use strict';
  var VERSION = 5, ANALYZER = 'tome-en-1+porter2', F = 5, MANIFEST = 'manifest.json';
  var te = new TextEncoder(), td = new TextDecoder();

  // ---------- errors ----------
  function IndexError(file, message, hint = '; rebuild the index with `tome build`') {
    return Object.assign(new Error(file + ': ' + message + hint), { name: 'TomeSearchError', file });
  }
  var err = {
    missing: f => IndexError(f, 'search index file is missing'),
    corrupt: (f, d) => IndexError(f, 'search index file is corrupt (' + d + ')'),
    version: (f, found) => IndexError(f, 'search index format version ' + found + ', this engine reads version ' + VERSION),
    analyzer: (f, found) => IndexError(f, "search index was built with analyzer '" + found + "', this engine uses '" + ANALYZER + "'"),
    // Opened from disk, but built for a web server (no NAME.js twins).
    disk: f => IndexError(f, 'search cannot load its index from a folder opened from disk',
      '; build the site with `tome build --links file` to search it from disk, or serve the folder over HTTP')
  };
  function Need(name) { this.name = name; }

  // ---------- bytes ----------
  function bstr(u8) {
    var s = '';
    for (var i = 0; i < u8.length; i += 8192) s += String.fromCharCode.apply(null, u8.subarray(i, i + 8192));
    return s;
  }
  function utf8(s) { return bstr(te.encode(s)); }
  function unbstr(b) {
    var u = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);
    return td.decode(u);
  }
  function scalars(b) { return Array.from(unbstr(b), c => c.codePointAt(0)); }

  var CRC = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    CRC[n] = c >>> 0;
  }
  function crc32(u8) {
    var c = -1;
    for (var i = 0; i < u8.length; i++) c = CRC[(c ^ u8[i]) & 255] ^ (c >>> 8);
    return ~c >>> 0;
  }

  // Index .bin files are gzip, doc store records deflate; the browser's own
  // DecompressionStream inflates them.
  function inflate(u8, name, format = 'gzip') {
    return new Response(new Blob([u8]).stream().pipeThrough(new DecompressionStream(format))).arrayBuffer()
      .then(b => new Uint8Array(b), () => { throw err.corrupt(name, 'not valid ' + format + ' data'); });
  }

  function Reader(u8, file, from, to) {
    this.b = u8; this.o = from || 0; this.end = to === undefined ? u8.length : Math.min(to, u8.length); this.file = file;
  }
  Reader.prototype = {
    fail(what) { return err.corrupt(this.file, what + ' at byte ' + this.o); },
    // throws what (as corrupt at this byte) unless ok; done: at the end
    need(ok, what) { if (!ok) throw this.fail(what); },
    done() { this.need(this.o === this.end, 'trailing bytes'); },
    u8() { if (this.o >= this.end) throw this.fail('truncated'); return this.b[this.o++]; },
    // LEB128, at most 8 bytes (exact as a double up to 2^53)
    varint() {
      for (var r = 0, mul = 1, b = 128; b & 128; mul *= 128) {
        if (mul > 2 ** 49) throw this.fail('varint too long');
        b = this.u8(); r += (b & 127) * mul;
      }
      return r;
    },
    // The next n bytes (a view), as a byte string (take) or as UTF-8 text (str).
    raw(n) {
      if (n < 0 || n > this.end - this.o) throw this.fail('length ' + n);
      return this.b.subarray(this.o, this.o += n);
    },
    take(n) { return bstr(this.raw(n)); },
    str() { return td.decode(this.raw(this.varint())); },
    // A count, then that many items read by `item`.
    list(item) { var a = []; for (var n = this.varint(); n > 0; n--) a.push(item()); return a; },
    f64() {
      if (this.end - this.o < 8) throw this.fail('truncated');
      var v = new DataView(this.b.buffer, this.b.byteOffset + this.o, 8).getFloat64(0, true); this.o += 8; return v;
    },
    magic(m) {
      if (this.take(4) !== m) throw err.corrupt(this.file, 'not a ' + m + ' file (bad magic bytes)');
      var v = this.u8();
      if (v !== VERSION) throw err.version(this.file, v);
    }
  };

  var NORM = [];
  for (var q = 0; q < 256; q++) NORM[q] = q < 32 ? q : (16 + ((q - 32) & 15)) * 2 ** (((q - 32) >> 4) + 1);

  // ---------- Porter2 (Snowball English) over byte strings ----------
  // Rule lists as 'suffix:replacement:condition' (a condition: the letters that may
  // precede the suffix, or 2 for "in R2").
  function rules(list) { return list.split(' ').map(x => (x + '::').split(':')); }
  // exceptional forms (an entry without a replacement stays as it is)
  var EXC = {};
  rules('skies:sky skis:ski idly:idl gently:gentl ugly:ugli early:earli only:onli singly:singl sky news howe atlas cosmos bias andes')
    .forEach(x => { EXC[x[0]] = x[1] || x[0]; });
  var S2 = rules('ization:ize ational:ate fulness:ful ousness:ous iveness:ive tional:tion biliti:ble lessli:less entli:ent ' +
    'ation:ate alism:al aliti:al ousli:ous iviti:ive fulli:ful ogist:og enci:ence anci:ance abli:able izer:ize ator:ate ' +
    'alli:al bli:ble ogi:og:l li::cdeghkmnrt');
  var S3 = rules('ational:ate tional:tion alize:al icate:ic iciti:ic ative::2 ical:ic ness ful');
  var S4 = rules('ement ance ence able ible ment ant ent ism ate iti ous ive ize ion::st al er ic');
  var R1P = 'arsen commun emerg gener inter later organ past univers'.split(' ');
  function vowel(ch) { return 'aeiouy'.indexOf(ch) >= 0; }
  function cont(ch) { return (ch.charCodeAt(0) & 0xC0) === 0x80; }

  function stem(word) {
    if (EXC.hasOwnProperty(word)) return EXC[word];
    if (word.replace(/[\x80-\xbf]/g, '').length < 3) return word; // fewer than 3 characters
    var w = word, r1, r2, marked = false;
    function ends(s, at) { var e = at === undefined ? w.length : at; return e >= s.length && w.slice(e - s.length, e) === s; }
    function cstart(o) { var i = o - 1; while (i > 0 && cont(w[i])) i--; return i; }
    function hasVowel(e) { return /[aeiouy]/.test(w.slice(0, e)); }
    // the region after the first non-vowel following a vowel, from `from` (-1: none)
    function region(from) {
      var m = /^[^aeiouy]*[aeiouy]+[^aeiouy][\x80-\xbf]*/.exec(w.slice(from));
      return m ? from + m[0].length : -1;
    }
    function shortSyl(end) {
      if (ends('past', end)) return true;
      if (end < 2) return false;
      var last = cstart(end);
      if (!(last > 0) || vowel(w[last])) return false;
      var v = last - 1;
      if (!vowel(w[v])) return false;
      if (v === 0) return true;
      return !vowel(w[cstart(v)]) && 'wxY'.indexOf(w[last]) < 0;
    }
    // the first rule whose suffix w ends with, applied if it starts in region rs and
    // its condition holds
    function rule(rules, rs) {
      var r = rules.find(r => ends(r[0]));
      if (!r) return;
      var start = w.length - r[0].length, c = r[2];
      if (start < rs || (c === '2' ? start < r2 : c && c.indexOf(w[start - 1]) < 0)) return;
      w = w.slice(0, start) + r[1];
    }
    // prelude
    if (w[0] === "'") w = w.slice(1);
    // y at the start or after a vowel is a consonant: Y until the end
    var plain = w;
    w = w.replace(/(^|[aeiouy])y/g, '$1Y');
    marked = w !== plain;
    // regions
    r1 = r2 = w.length;
    var pre = R1P.find(p => w.startsWith(p));
    var st = pre ? pre.length : region(0);
    if (st >= 0) { r1 = st; var s2 = region(r1); r2 = s2 >= 0 ? s2 : w.length; }
    // 1a
    w = w.replace(/'s'$|'s$|'$/, '');
    if (ends('sses')) w = w.slice(0, -2);
    else if (/ie[ds]$/.test(w)) { var s = w.length - 3; w = w.slice(0, s) + (s > 0 && cstart(s) > 0 ? 'i' : 'ie'); }
    else if (/[us]s$/.test(w)) { /* keep */ }
    else if (ends('s')) { var p = w.length - 1; if (p > 0 && hasVowel(cstart(p))) w = w.slice(0, -1); }
    // 1b
    // the longest of eedly ingly edly eed ing ed; kind 1 eed(ly), 2 ing
    var m = /(eed|ing|ed)(ly)?$/.exec(w), len = m ? m[0].length : 0, kind = !m ? 0 : m[1] === 'eed' ? 1 : m[0] === 'ing' ? 2 : 0;
    step1b: if (len) {
      var b = w.length - len, before = w.slice(0, b);
      if (kind === 1) {
        if (!/^(proc|exc|succ)$/.test(before) && b >= r1) w = before + 'ee';
        break step1b;
      }
      if (kind === 2) {
        if (b >= 2 && w[b - 1] === 'y' && cstart(b - 1) === 0 && !vowel(w[0])) { w = w.slice(0, -4) + 'ie'; break step1b; }
        if (/^(inn|out|cann|herr|earr|even)$/.test(before)) break step1b;
      }
      if (!hasVowel(b)) break step1b;
      w = before;
      var n = w.length;
      if (/(at|bl|iz)$/.test(w)) w += 'e';
      else if (n >= 2 && w[n - 1] === w[n - 2] && 'bdfgmnprt'.indexOf(w[n - 1]) >= 0) {
        if (!(n === 3 && 'aeo'.indexOf(w[0]) >= 0)) w = w.slice(0, -1);
      } else if (r1 === n && shortSyl(n)) w += 'e';
    }
    // 1c
    n = w.length;
    if (n >= 2 && /[yY]$/.test(w)) { var l = cstart(n - 1); if (l > 0 && !vowel(w[l])) w = w.slice(0, -1) + 'i'; }
    rule(S2, r1); rule(S3, r1); rule(S4, r2);
    // 5
    var last = w.length - 1;
    if (w[last] === 'e' ? last >= r2 || (last >= r1 && !shortSyl(last)) : w[last] === 'l' && last >= r2 && w[last - 1] === 'l') {
      w = w.slice(0, -1);
    }
    return marked ? w.replace(/Y/g, 'y') : w;
  }

  // ---------- analyzer ----------
  var WORDRE = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}\p{M}]/u, MARKRE = /[\p{Mn}\p{Me}]/u, SPACE = /\p{White_Space}/u;

  function Analyzer(spec) {
    this.stop = new Set(spec.stopWords);
    this.fold = new Map(spec.fold.map(e => [e[0], utf8(e[1])]));
    this.max = spec.maxTokenBytes;
    this.conn = spec.connectors;
  }
  Analyzer.prototype = {
    stemOf(t) { return /^[a-z\x80-\xff]*$/.test(t) ? stem(t) : t; }, // letters only
    foldScalar(v) {
      var ch = String.fromCodePoint(v);
      return this.fold.has(v) ? this.fold.get(v) : MARKRE.test(ch) ? '' : utf8(ch.toLowerCase());
    },
    isWord(v) { return this.fold.has(v) || WORDRE.test(String.fromCodePoint(v)); },
    // Tokens of a text (byte offsets into its UTF-8). kind 0 word, 1 whole, 2 part.
    tokens(text, keepStop, bytes) {
      var out = [], self = this, b = bytes || te.encode(text);
      // parts of the current token: [folded text, start, end, connector before it]
      var pos = 0, parts = [], cur = '', cs = -1, ce = 0, sep = '', pending = null;
      function endPart() { if (cs >= 0) { parts.push([cur, cs, ce, sep]); cur = ''; cs = -1; } }
      function emit(p, kind) {
        var term = p[0], at = pos++;
        if (!term.length || term.length > self.max) return;
        var stop = self.stop.has(term);
        if (stop && !keepStop) return;
        out.push({ term, stem: stop ? term : self.stemOf(term), pos: at, start: p[1], end: p[2], kind, stop });
      }
      function flush() {
        endPart(); pending = null;
        if (parts.length === 1) emit(parts[0], 0);
        else if (parts.length) {
          var whole = parts.map(p => p[3] + p[0]).join('');
          if (whole.length <= self.max) out.push({ term: whole, stem: whole, pos, start: parts[0][1], end: parts[parts.length - 1][2], kind: 1, stop: false });
          parts.forEach(p => emit(p, 2));
        }
        parts = [];
      }
      function wordByte(f, s, e) {
        if (cs < 0) {
          if (pending !== null && parts.length) { sep = pending; pending = null; } else { flush(); sep = ''; }
          cs = s;
        }
        cur += f; ce = e;
      }
      var n = b.length + 1, i = 0;
      while (i < n) {
        var c = i < b.length ? b[i] : 32;
        if (c < 128) {
          if (c >= 65 && c <= 90) c += 32;
          var ch = String.fromCharCode(c);
          if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) wordByte(ch, i, i + 1);
          else if (this.conn.indexOf(ch) >= 0 && cs >= 0 && pending === null) { endPart(); pending = ch; }
          else flush();
          i++; continue;
        }
        // a UTF-8 sequence (a stray continuation or invalid lead byte alone: len 1)
        var len = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, v = c & (127 >> len);
        if (i + len > n) break;
        for (var k = 1; k < len; k++) v = (v << 6) | (b[i + k] & 63);
        if (len > 1 && (v < 0xD800 || v > 0xDFFF) && v <= 0x10FFFF && this.isWord(v)) {
          var f = this.foldScalar(v);
          if (!f.length) { if (cs >= 0) ce = i + len; } else wordByte(f, i, i + len);
        } else flush();
        i += len;
      }
      flush();
      return out;
    },
    foldString(text) {
      var out = '';
      for (var ch of text) {
        var v = ch.codePointAt(0);
        out += v < 128 ? ch.toLowerCase() : this.foldScalar(v);
      }
      return unbstr(out);
    }
  };

  function Synonyms(groups, an) {
    this.map = new Map();
    groups.forEach((members, g) => {
      members.forEach(m => {
        // a member's words, listed under the stem of the first
        var toks = an.tokens(m).filter(t => t.kind !== 1), f = toks[0];
        if (f) (this.map.get(f.stem) || this.map.set(f.stem, []).get(f.stem)).push({ toks, group: g });
      });
    });
  }
  // Where the words of `tokens` start a synonym (index and count of tokens it spans).
  Synonyms.prototype.matches = function (tokens) {
    var res = [], words = [];
    tokens.forEach((t, i) => { if (t.kind !== 1) words.push([i, t]); });
    words.forEach((w, wi) => (this.map.get(w[1].stem) || []).forEach(m => {
      // the words that follow are the synonym's next words, at the same distances
      if (m.toks.every((t, k) => !k || (words[wi + k] && words[wi + k][1].stem === t.stem && words[wi + k][1].pos - w[1].pos === t.pos - m.toks[0].pos))) {
        res.push({ index: w[0], count: words[wi + m.toks.length - 1][0] - w[0] + 1, group: m.group });
      }
    }));
    return res;
  };

  // ---------- query parser ----------
  function parse(raw) {
    // at most 1024 bytes of UTF-8, in whole characters
    var sc = [], bytes = 0;
    for (var ch of raw) { if ((bytes += te.encode(ch).length) > 1024) break; sc.push(ch); }
    var sp = c => SPACE.test(c), q = { items: [], excluded: [], filters: [], endsWithSpace: sc.length > 0 && sp(sc[sc.length - 1]) };
    var i = 0, n = sc.length;
    function quoted() { i++; var s = ''; while (i < n && sc[i] !== '"') s += sc[i++]; if (i < n) i++; return s; }
    while (i < n) {
      if (sp(sc[i])) { i++; continue; }
      var neg = false;
      if (sc[i] === '-' && i + 1 < n && !sp(sc[i + 1]) && sc[i + 1] !== '-') { neg = true; i++; }
      if (sc[i] === '"') {
        var p = quoted();
        if (p) (neg ? q.excluded : q.items).push({ phrase: true, text: p });
        continue;
      }
      var word = '';
      while (i < n && !sp(sc[i])) {
        if (sc[i] === ':') {
          var name = word.toLowerCase();
          if (/^(book|tag|type)$/.test(name) && !neg && i + 1 < n && !sp(sc[i + 1])) {
            i++;
            var value = '';
            if (sc[i] === '"') value = quoted(); else while (i < n && !sp(sc[i])) value += sc[i++];
            if (value) q.filters.push({ facet: name, value });
            word = '';
            break;
          }
        }
        word += sc[i++];
      }
      if (word) (neg ? q.excluded : q.items).push({ phrase: false, text: word });
    }
    return q;
  }

  // ---------- helpers ----------
  // Binary search: the first i in 0..<n for which below(i) is false (below must be
  // true, then false, over the range).
  function bsearch(n, below) {
    var lo = 0, hi = n;
    while (lo < hi) { var m = (lo + hi) >> 1; if (below(m)) lo = m + 1; else hi = m; }
    return lo;
  }
  // Whether the sorted array a holds x.
  function has(a, x) { return a[bsearch(a.length, i => a[i] < x)] === x; }
  // The index of the item whose last word is still being typed (so it matches as a
  // prefix): the last plain word, unless the query ends with a space.
  function typing(parsed) {
    var last = -1;
    parsed.items.forEach((it, i) => { if (!it.phrase) last = i; });
    return parsed.endsWithSpace ? -1 : last;
  }
  // Whether token t of a text is one of the query's words (to highlight).
  function isHit(st, t) { return !t.stop && (st.hlTerms.has(t.term) || (t.kind !== 1 && st.hlStems.has(t.stem))); }
  function cmpb(a, b) { return (a > b) - (a < b); }
  // Optimal string alignment distance between a and b (arrays), or limit + 1 once
  // a whole row exceeds limit.
  function editDistance(a, b, limit) {
    var d = [];
    for (var i = 0; i <= a.length; i++) {
      d[i] = [i];
      for (var j = 1; j <= b.length; j++) {
        d[i][j] = i ? Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)) : j;
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
      if (i && Math.min.apply(null, d[i]) > limit) return limit + 1;
    }
    return d[a.length][b.length];
  }
  // The UTF-16 offset of each byte offset into UTF-8 bytes b (0 to b.length).
  function u16offsets(b) {
    var out = new Array(b.length + 1), u = out[0] = 0;
    for (var i = 0; i < b.length; i++) out[i + 1] = u += (b[i] & 0xC0) === 0x80 ? 0 : b[i] >= 0xF0 ? 2 : 1;
    return out;
  }


  // ---------- the index ----------
  function Index(load) {
    // files: loaded (inflated) bytes by name (doc store blocks by number); pending: their loads
    Object.assign(this, { load, files: new Map(), pending: new Map(), cache: {}, refs: {} });
  }
  Index.prototype = {
    // Fetches (once) and checks the named files, in parallel.
    ensure(names) {
      return Promise.all(names.map(name => this.once(name, () => this.get(name).then(u8 => /\.bin$/.test(name) ? inflate(u8, name) : u8))));
    },
    // fn's bytes stored under key, fn run once (again after a failure)
    once(key, fn) {
      var p = this.pending;
      if (!p.has(key)) p.set(key, Promise.resolve().then(fn).then(u8 => this.files.set(key, u8)).catch(e => { p.delete(key); throw e; }));
      return p.get(key);
    },
    // The bytes of a file, checked against the manifest; with b ({off, len}) just
    // those (a host that ignores Range sends the whole file: checked, kept, sliced).
    get(name, b) {
      return this.load(name, b).then(bytes => {
        if (!bytes) throw err.missing(name);
        var u8 = new Uint8Array(bytes), ref = this.refs[name]; // (a copy of a Uint8Array, a view of an ArrayBuffer)
        if (b && u8.length === b.len && u8.length !== ref.bytes) return u8; // checked by its own Adler-32
        if (name !== MANIFEST && (!ref || u8.length !== ref.bytes || crc32(u8) !== ref.crc32)) {
          throw IndexError(name, 'search index file does not match its checksum in the manifest (corrupt or truncated)');
        }
        return b ? this.files.set(name, u8) && u8.subarray(b.off, b.off + b.len) : u8;
      });
    },
    // The doc store blocks holding these docs, in parallel: each record fetched by
    // itself (an HTTP Range request) or, from a loader without ranges or once a host
    // sent the whole store file, cut from that file; then inflated as a zlib stream
    // behind a stored block of the dictionary.
    blocks(docs) {
      var M = this.meta, n = M.dict.length, f = this.files;
      return Promise.all(docs.map(d => this.blockOf(d)).map(k => this.once(k, () => {
        var b = M.blocks[k], name = b.file.name;
        return (this.load.ranges && !f.has(name) ? this.get(name, b)
          : this.once(name, () => f.get(name) || this.get(name)).then(() => f.get(name).subarray(b.off, b.off + b.len))).then(rec => {
          var z = new Uint8Array(7 + n + rec.length);
          z.set([120, 1, 0, n, n >> 8, ~n, ~n >> 8]);
          z.set(M.dict, 7);
          z.set(rec, 7 + n);
          return inflate(z, name, 'deflate');
        }).then(u8 => this.block(b, u8.subarray(n)));
      })));
    },
    open() {
      if (!this.opening) {
        this.opening = this.ensure([MANIFEST]).then(() => {
          this.parseManifest(this.files.get(MANIFEST));
          return this.ensure(['analyzerFile', 'docMeta'].map(k => this.m[k].name));
        }).then(() => {
          // norm bytes of every (doc, field) a decoded posting has carried (doc-major):
          // the norms file is for the Swift engine, never fetched here
          this.an = this.analyzer(); this.meta = this.docMeta(); this.nm = new Uint8Array(this.m.docCount * F);
          return this;
        });
        this.opening.catch(() => { this.opening = null; });
      }
      return this.opening;
    },
    parseManifest(u8) {
      var f = MANIFEST, j, refs = {};
      try { j = JSON.parse(td.decode(u8)); } catch (e) { throw err.corrupt(f, 'invalid JSON: ' + e.message); }
      if (!j || typeof j !== 'object' || j.format !== 'tome-search') throw IndexError(f, 'not a Tome search index manifest');
      if (typeof j.version !== 'number') throw err.corrupt(f, 'no version');
      if (j.version !== VERSION) throw err.version(f, j.version);
      if (j.analyzer !== ANALYZER) throw err.analyzer(f, j.analyzer === undefined ? '(none)' : j.analyzer);
      function check(ok, what) { if (!ok) throw err.corrupt(f, "missing or invalid '" + what + "'"); }
      var isInt = Number.isInteger;
      // A file reference {name, bytes, crc32}: a plain file name in the same folder.
      function ref(v, what) {
        check(v && /^\w[\w.-]*$/.test(v.name) && isInt(v.bytes) && v.crc32 === v.crc32 >>> 0, what);
        return refs[v.name] = v;
      }
      ['docCount', 'pageCount', 'termCount'].forEach(k => check(isInt(j[k]) && j[k] >= 0, k));
      check(Array.isArray(j.fields) && j.fields.length === F &&
        j.fields.every(x => x && isInt(x.totalLength) && typeof x.weight === 'number'), 'fields');
      var r = j.ranking;
      check(r && typeof r === 'object', 'ranking');
      'k1 b exact stem synonym prefix typo proximity coverage'.split(' ').forEach(k => check(typeof r[k] === 'number', 'ranking.' + k));
      check(typeof r.tiers === 'boolean', 'ranking.tiers');
      ['analyzerFile', 'docMeta', 'norms', 'facets'].forEach(k => ref(j[k], k));
      var shards = (j.shards || []).map(s => {
        // `first`: the shard's first term, in hex
        check(s && typeof s.first === 'string' && /^([0-9a-f]{2})*$/.test(s.first), 'shards.first');
        return { first: s.first.replace(/../g, h => String.fromCharCode(parseInt(h, 16))),
          terms: ref(s.terms, 'shards.terms'), positions: ref(s.positions, 'shards.positions') };
      });
      var chunks = (j.docChunks || []).map(c => {
        check(c && isInt(c.firstDoc), 'docChunks.firstDoc');
        return { firstDoc: c.firstDoc, file: ref(c.file, 'docChunks.file') };
      });
      this.refs = refs;
      // the manifest, plus: per-field totals and weights, ranking parameters, shards and chunks decoded
      this.m = Object.assign(j, { totals: j.fields.map(x => x.totalLength), weights: j.fields.map(x => x.weight), r,
        shards, chunks });
    },
    bytes(ref) {
      var b = this.files.get(ref.name);
      if (!b) throw new Need(ref.name);
      return b;
    },
    // fn's result, once per key (keys: 'facets', 's' shard, 'l' postings)
    memo(key, fn) { var c = this.cache; return key in c ? c[key] : (c[key] = fn()); },
    analyzer() {
      var ref = this.m.analyzerFile, j;
      try { j = JSON.parse(td.decode(this.bytes(ref))); } catch (e) { throw err.corrupt(ref.name, 'invalid JSON'); }
      if (!j || j.id !== ANALYZER) throw err.analyzer(ref.name, j && j.id || '(none)');
      var an = new Analyzer(j);
      this.syn = new Synonyms(j.synonyms, an); // (its shape checked by the manifest's CRC-32)
      return an;
    },
    docMeta() {
      var ref = this.m.docMeta, r = new Reader(this.bytes(ref), ref.name);
      r.magic('TOMM');
      var docs = r.varint(), pages = r.varint();
      r.need(docs === this.m.docCount && pages === this.m.pageCount, 'counts');
      var pageOf = new Int32Array(docs), d = 0, boosts = new Float64Array(docs).fill(1), ch = this.m.chunks, c = -1, off = 0;
      for (var p = 0; p < pages; p++) {
        pageOf.fill(p, d, d += r.varint()); // (past docs: caught below)
      }
      r.need(d === docs, 'page sizes');
      r.list(() => {
        var doc = r.varint(), b = r.f64();
        r.need(doc < docs && isFinite(b), 'boost');
        boosts[doc] = b;
      });
      // doc store blocks: sections and record length each; they fill the store files in order
      d = 0;
      var blocks = r.list(() => {
        var n = r.varint(), len = r.varint(), doc = d;
        if (c + 1 < ch.length && ch[c + 1].firstDoc === doc) { c++; off = 0; }
        r.need(n && (d += n) <= docs && c >= 0 && off + len <= ch[c].file.bytes, 'doc store blocks');
        return { doc, end: d, file: ch[c].file, off, len: (off += len, len) };
      });
      r.need(d === docs && c === ch.length - 1, 'doc store blocks');
      var dict = r.raw(r.varint());
      r.done();
      return { pageOf, boosts, blocks, dict };
    },
    facets() {
      return this.memo('facets', () => {
        var ref = this.m.facets, r = new Reader(this.bytes(ref), ref.name), out = {};
        r.magic('TOMF');
        // facets, each with its values, each with its pages (delta-coded)
        r.list(() => {
          var map = out[r.str()] = {};
          r.list(() => {
            var key = r.str(), p = 0;
            map[key] = r.list(() => {
              p += r.varint();
              r.need(p < this.m.pageCount, 'page index');
              return p;
            });
          });
        });
        return out;
      });
    },
    shard(i) {
      return this.memo('s' + i, () => {
        var ref = this.m.shards[i].terms, u8 = this.bytes(ref), r = new Reader(u8, ref.name);
        r.magic('TOMT');
        var count = r.varint();
        r.need(count <= u8.length, 'term count');
        var sh = { name: ref.name, u8, terms: [], stems: [], df: [], index: new Map() }, prev = '', pl = [], ql = [];
        for (var k = 0; k < count; k++) {
          var shared = r.varint();
          r.need(shared <= prev.length, 'prefix length');
          var term = prev.slice(0, shared) + r.take(r.varint());
          var ss = r.varint();
          r.need(ss <= term.length, 'prefix length');
          var st = term.slice(0, ss) + r.take(r.varint());
          sh.index.set(term, k);
          sh.terms.push(term); sh.stems.push(st);
          sh.df.push(r.varint()); pl.push(r.varint()); ql.push(r.varint());
          prev = term;
        }
        // where each term's postings (here, after the terms) and positions (in the
        // positions file, after its header) start: term k's run from [k] to [k + 1]
        var starts = (lens, o) => [o].concat(lens.map(l => o += l));
        sh.po = starts(pl, r.o); sh.qo = starts(ql, 5);
        if (sh.po[count] !== u8.length) throw err.corrupt(ref.name, 'postings length');
        return sh;
      });
    },
    postings(si, t) {
      return this.memo('l' + si + ':' + t, () => {
        var sh = this.shard(si), r = new Reader(sh.u8, sh.name, sh.po[t], sh.po[t + 1]), n = sh.df[t];
        var L = { docs: [], tfs: [] }, doc = 0, masks = [], k, f;
        // doc deltas, then field masks, then tfs, then a norm byte per tf
        for (k = 0; k < n; k++) {
          doc += r.varint();
          r.need(doc < this.m.docCount, 'doc id ' + doc);
          L.docs.push(doc);
        }
        for (k = 0; k < n; k++) masks.push(r.u8());
        for (k = 0; k < n; k++) for (f = 0; f < F; f++) L.tfs.push(masks[k] & (1 << f) ? r.varint() : 0);
        for (k = 0; k < n; k++) for (f = 0; f < F; f++) if (masks[k] & (1 << f)) this.nm[L.docs[k] * F + f] = r.u8();
        r.done();
        return L;
      });
    },
    // the last shard whose fence is not after the term
    shardIndex(term) {
      var s = this.m.shards;
      return bsearch(s.length, i => !(term < s[i].first)) - 1;
    },
    shardsForPrefix(prefix) {
      var first = this.shardIndex(prefix), s = this.m.shards;
      if (first < 0) return s.length ? [0] : [];
      var out = [first];
      for (var i = first + 1; i < s.length && s[i].first.startsWith(prefix); i++) out.push(i);
      return out;
    },
    blockOf(doc) {
      var B = this.meta.blocks;
      return bsearch(B.length, i => B[i].doc <= doc) - 1;
    },
    // The sections of block b (inflated bytes u8), each with its page's fields.
    block(b, u8) {
      var r = new Reader(u8, b.file.name), out = [], doc = r.varint();
      r.need(doc === b.doc, 'doc store blocks');
      // pages, each with its sections (a URL: flag 1 and the rest after the page's URL)
      r.list(() => {
        var page = { pageURL: r.str(), pageTitle: r.str(), book: r.str(), bookTitle: r.str(), type: r.str(), tags: r.list(() => r.str()) };
        r.list(() => out.push(Object.assign({ docID: doc++, url: (r.u8() ? page.pageURL : '') + r.str(), heading: r.str(),
          headingPath: r.list(() => r.str()), raw: r.raw(r.varint()) }, page)));
      });
      r.need(doc === b.end, 'doc store blocks');
      r.done();
      return out;
    },

    // (its block fetched by blocks())
    section(doc) {
      var k = this.blockOf(doc);
      return this.files.get(k)[doc - this.meta.blocks[k].doc];
    },

    // ----- matching -----
    // One variant of a query word: term ti of shard s, matched as `kind` (a ranking weight).
    variant(s, ti, kind) {
      return { shard: s, term: ti, bytes: this.shard(s).terms[ti], kind, weight: this.m.r[kind], L: this.postings(s, ti) };
    },
    // The variants of a query word: the word itself, words with the same stem, and
    // (prefix) longer words it starts or (corr given, nothing else found) words within
    // typo distance, the correction noted in corr.
    lookup(w, st, prefix, corr) {
      var r = this.m.r, si = this.shardIndex(w), out = [], seen = new Set();
      if (si < 0) return out;
      var sh = this.shard(si), stems = 0, add = (s, ti, kind) => { out.push(this.variant(s, ti, kind)); seen.add(this.shard(s).terms[ti]); };
      if (sh.index.has(w)) add(si, sh.index.get(w), 'exact');
      // stem variants from the stem's own shard (no cut splits a stem's terms)
      var ssi = this.shardIndex(st), ss = ssi >= 0 ? this.shard(ssi) : { stems: [] };
      for (var k = 0; k < ss.stems.length && stems < 32; k++) {
        if (ss.stems[k] === st && !seen.has(ss.terms[k])) { add(ssi, k, 'stem'); stems++; }
      }
      if (prefix && r.tiers && w.length >= 2) {
        var cands = [];
        this.shardsForPrefix(w).forEach(s => this.shard(s).terms.forEach((term, ti) => {
          if (term.length > w.length && term.startsWith(w) && !seen.has(term)) cands.push([s, ti, term, this.shard(s).df[ti]]);
        }));
        cands.sort((a, b) => b[3] - a[3] || cmpb(a[2], b[2]));
        cands.slice(0, 50).forEach(c => add(c[0], c[1], 'prefix'));
      }
      var wl = scalars(w), max = wl.length >= 9 ? 2 : 1, tc = [];
      if (corr && r.tiers && !out.length && !/[0-9]/.test(w) && wl.length >= 5) {
        // same first byte, within max edits (so within 2 * max bytes of length)
        sh.terms.forEach((term, ti) => {
          if (term[0] !== w[0] || Math.abs(term.length - w.length) > max * 2) return;
          var tl = scalars(term), d = Math.abs(tl.length - wl.length) > max ? max + 1 : editDistance(wl, tl, max);
          if (d <= max) tc.push([d, sh.df[ti], ti]);
        });
        tc.sort((a, b) => a[0] - b[0] || b[1] - a[1] || cmpb(sh.terms[a[2]], sh.terms[b[2]]));
        tc.slice(0, 10).forEach(c => add(si, c[2], 'typo'));
        if (tc.length) corr.push({ typed: unbstr(w), suggestion: unbstr(sh.terms[tc[0][2]]) });
      }
      return out;
    },

    // The index files a query will read (so they can be fetched in parallel first).
    plan(parsed) {
      var an = this.an, shards = new Set(), words = 0, phrases = false, names = [], last = typing(parsed);
      var terms = (text, isLast, excl) => {
        var toks = an.tokens(text, true).filter(t => !t.stop), prefixes = s => this.shardsForPrefix(s).forEach(x => shards.add(x));
        toks.forEach(t => { shards.add(this.shardIndex(t.term)); shards.add(this.shardIndex(t.stem)); });
        if (isLast && toks.length) {
          prefixes(toks[toks.length - 1].term);
          toks.forEach(t => { if (t.kind === 1) prefixes(t.term); });
        }
        if (!excl) this.syn.matches(toks).forEach(m => shards.add(this.shardIndex('~' + m.group)));
        return toks.filter(t => t.kind !== 1).length;
      };
      parsed.items.forEach((it, i) => {
        var n = terms(it.text, i === last, false);
        if (it.phrase && n > 1) phrases = true;
        words += it.phrase ? 1 : n;
      });
      parsed.excluded.forEach(it => { if (terms(it.text, false, true) > 1) phrases = true; });
      shards.forEach(s => {
        var sh = this.m.shards[s]; // (none for -1)
        if (sh) names.push(sh.terms.name);
        if (sh && (phrases || words > 1)) names.push(sh.positions.name);
      });
      if (parsed.filters.length) names.push(this.m.facets.name);
      return names;
    },

    prepare(parsed) {
      var st = { terms: [], excl: [], corrections: [], hlTerms: new Set(), hlStems: new Set() }; // + allowed: pages
      var an = this.an, base = 0, last = typing(parsed), i, k;
      var qterm = (pos, variants) => ({ variants: variants || [], parts: [], pos, docs: [], tf: [] });
      // A phrase (or one word) from its word tokens: each word's exact and stem
      // variants, at its offset from the first.
      var phrase = (ws, pos) => {
        var q = qterm(pos);
        q.parts = ws.map(w => ({ variants: this.lookup(w.term, w.stem), offset: w.pos - ws[0].pos }));
        if (q.parts.length === 1) { q.variants = q.parts[0].variants; q.parts = []; }
        return q;
      };
      for (i = 0; i < parsed.items.length; i++) {
        if (st.terms.length >= 32) break;
        var item = parsed.items[i], toks = an.tokens(item.text, true), endPos = (toks.length ? toks[toks.length - 1].pos : 0) + 1;
        if (item.phrase) {
          var pw = toks.filter(t => t.kind !== 1 && !t.stop);
          if (!pw.length) continue;
          st.terms.push(phrase(pw, base + pw[0].pos));
          base += endPos;
          continue;
        }
        var kept = toks.filter(t => !t.stop), words = kept.filter(t => t.kind !== 1);
        // synonyms of several words are terms of their own; of one word, variants of it
        var covered = new Set(), single = {};
        this.syn.matches(kept).forEach(m => {
          if (m.count > 1) {
            var g = '~' + m.group;
            for (var c = m.index; c < m.index + m.count; c++) covered.add(c);
            st.terms.push(qterm(base + kept[m.index].pos, this.lookup(g, g)));
          } else (single[m.index] = single[m.index] || []).push(m.group);
        });
        var whole = kept.filter(t => t.kind === 1)[0];
        if (whole && !covered.size) {
          var wq = qterm(base + whole.pos, this.lookup(whole.term, whole.stem, i === last));
          if (wq.variants.length) {
            st.terms.push(wq); st.hlTerms.add(whole.term); base += endPos;
            continue;
          }
        }
        for (k = 0; k < kept.length; k++) {
          var w = kept[k];
          if (w.kind === 1 || covered.has(k)) continue;
          var q = qterm(base + w.pos, this.lookup(w.term, w.stem, i === last && w === words[words.length - 1], st.corrections));
          (single[k] || []).forEach(g => {
            var gt = '~' + g, si = this.shardIndex(gt), sh = si >= 0 && this.shard(si);
            if (sh && sh.index.has(gt)) q.variants.push(this.variant(si, sh.index.get(gt), 'synonym'));
          });
          st.hlStems.add(w.stem);
          st.terms.push(q);
          if (st.terms.length >= 32) break;
        }
        base += endPos;
      }
      // highlight every term matched, phrase words included (not synonym groups, ~N)
      st.terms.forEach(t => t.parts.concat(t).forEach(p => p.variants.forEach(v => { if (v.bytes[0] !== '~') st.hlTerms.add(v.bytes); })));
      parsed.excluded.forEach(item => {
        var q = phrase(an.tokens(item.text).filter(t => t.kind !== 1), 0);
        if (q.parts.length || q.variants.length) st.excl.push(q);
      });
      if (parsed.filters.length) {
        // pages with, for every facet filtered on, one of the values asked for
        var f = this.facets(), by = {};
        parsed.filters.forEach(x => {
          var set = by[x.facet] = by[x.facet] || new Set();
          ((f[x.facet] || {})[an.foldString(x.value)] || []).forEach(p => set.add(p));
        });
        var sets = Object.values(by);
        st.allowed = new Set(Array.from(sets[0]).filter(p => sets.every(x => x.has(p))));
      }
      return st;
    },

    // ----- ranking -----
    merge(t) {
      if (t.parts.length) return this.mergePhrase(t);
      // Accumulate per doc in scratch arrays indexed by doc id, variant after variant
      // (so each doc's tfs add up in variant order, as in the Swift engine), then read
      // the touched docs back in ascending order.
      var N = this.m.docCount, S = this.scratch || (this.scratch = { tf: new Float64Array(N * F), seen: new Uint8Array(N) });
      var touched = [], i, f;
      t.variants.forEach(v => {
        var L = v.L;
        for (var k = 0; k < L.docs.length; k++) {
          var d = L.docs[k];
          if (!S.seen[d]) { S.seen[d] = 1; touched.push(d); }
          for (f = 0; f < F; f++) {
            var x = L.tfs[k * F + f];
            if (x > 0) S.tf[d * F + f] = S.tf[d * F + f] + v.weight * x;
          }
        }
      });
      touched = Int32Array.from(touched).sort();
      t.docs = touched; t.tf = new Float64Array(touched.length * F);
      for (i = 0; i < touched.length; i++) {
        var d = touched[i];
        for (f = 0; f < F; f++) {
          t.tf[i * F + f] = S.tf[d * F + f];
          S.tf[d * F + f] = 0;
        }
        S.seen[d] = 0;
      }
    },
    // Per doc in `only`: the sorted positions, per field, of any of the variants.
    posByDoc(variants, only) {
      var out = new Map();
      variants.forEach(v => {
        var sh = this.shard(v.shard), ref = this.m.shards[v.shard].positions;
        new Reader(this.bytes(ref), ref.name).magic('TOMP');
        var r = new Reader(this.bytes(ref), ref.name, sh.qo[v.term], sh.qo[v.term + 1]);
        v.L.docs.forEach((d, k) => {
          var cur = only.has(d) && (out.get(d) || out.set(d, [[], [], [], [], []]).get(d));
          for (var f = 0; f < F; f++) {
            for (var x = 0, p = 0; x < v.L.tfs[k * F + f]; x++) { p += r.varint(); if (cur) cur[f].push(p); }
          }
        });
      });
      out.forEach(l => l.forEach(x => x.sort((a, b) => a - b)));
      return out;
    },
    mergePhrase(t) {
      var cand = null;
      t.parts.forEach(p => {
        var s = new Set();
        p.variants.forEach(v => v.L.docs.forEach(d => s.add(d)));
        cand = cand ? new Set(Array.from(cand).filter(d => s.has(d))) : s;
      });
      if (!cand.size) return;
      var per = t.parts.map(p => this.posByDoc(p.variants, cand));
      Array.from(cand).sort((a, b) => a - b).forEach(d => {
        // per field: how many places the whole phrase starts at
        var tf = per[0].get(d).map((starts, f) =>
          starts.filter(s => t.parts.every((p, pi) => !pi || has(per[pi].get(d)[f], s + p.offset))).length);
        if (tf.some(x => x > 0)) { t.docs.push(d); t.tf.push.apply(t.tf, tf); }
      });
    },
    // The length of field f of doc d (from its one-byte norm, kept from the postings
    // that carried it: every term in a doc field has the same).
    len(d, f) { return NORM[this.nm[d * F + f]]; },
    termScore(t, k, avg) {
      var r = this.m.r, W = this.m.weights, w = 0;
      for (var f = 0; f < F; f++) {
        var tf = t.tf[k * F + f];
        if (tf === 0) continue;
        w = w + W[f] * tf / (1 - r.b + r.b * this.len(t.docs[k], f) / avg[f]);
      }
      return t.idf * (w * (r.k1 + 1) / (w + r.k1));
    },
    rank(st) {
      var N = this.m.docCount, r = this.m.r;
      if (!(N > 0) || !st.terms.length) return [];
      var avg = this.m.totals.map(x => x > 0 ? x / N : 1);
      var score = new Float64Array(N), matched = new Uint8Array(N), touched = [];
      // for the title tier: per doc, how many terms occur in the heading / title field
      var inH = new Uint8Array(N), inT = new Uint8Array(N);
      st.terms.forEach(t => {
        this.merge(t);
        var df = t.docs.length;
        if (!df) return;
        t.idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        t.docs.forEach((d, k) => {
          if (!matched[d]) touched.push(d);
          score[d] = score[d] + this.termScore(t, k, avg);
          matched[d] = matched[d] + 1;
          if (t.tf[k * F + 1] > 0) inH[d]++;
          if (t.tf[k * F] > 0) inT[d]++;
        });
      });
      var excluded = new Set();
      st.excl.forEach(e => { this.merge(e); e.docs.forEach(d => excluded.add(d)); });
      var meta = this.meta;
      var cands = Array.from(Int32Array.from(touched).sort())
        .filter(d => !excluded.has(d) && (!st.allowed || st.allowed.has(meta.pageOf[d])));
      var n = st.terms.length, fin = st.final = new Float64Array(N), all = new Uint8Array(N), title = new Uint8Array(N);
      cands.forEach(d => {
        var m = matched[d], cov = 1 / (1 + r.coverage * (n - m)), boost = meta.boosts[d];
        fin[d] = score[d] * cov * boost;
        if (r.tiers) {
          all[d] = m === n;
          // every term in the heading, which is (almost) only them; or, none in the
          // heading, every term in the title, and the doc is its page's first section
          title[d] = m === n && ((inH[d] === n && this.len(d, 1) <= n + 1) ||
            (!inH[d] && inT[d] === n && this.len(d, 0) <= n + 1 && meta.pageOf[d - 1] !== meta.pageOf[d]));
        }
      });
      var before = (a, b) => title[b] - title[a] || all[b] - all[a] || (fin[a] !== fin[b] ? (fin[a] > fin[b] ? -1 : 1) : a - b);
      cands.sort(before);
      // proximity: among the first 64, a bonus per pair of consecutive word terms
      // found at the same distance as in the query
      var words = st.terms.filter(t => !t.parts.length);
      if (r.tiers && r.proximity > 0 && words.length >= 2) {
        var top = cands.slice(0, 64), topSet = new Set(top);
        var pos = words.map(w => this.posByDoc(w.variants, topSet));
        top.forEach(d => {
          var pairs = 0;
          for (var k = 0; k < words.length - 1; k++) {
            var gap = words[k + 1].pos - words[k].pos, a = pos[k].get(d), b = pos[k + 1].get(d);
            if (a && b && a.some((af, f) => af.some(x => has(b[f], x + gap)))) pairs++;
          }
          fin[d] = fin[d] * (1 + r.proximity * pairs / (words.length - 1));
        });
        cands.splice(0, top.length, ...top.sort(before));
      }
      return cands;
    },

    snippet(s, st, size) {
      var b = s.raw, toks = this.an.tokens(null, true, b), words = toks.filter(t => t.kind !== 1);
      var matches = toks.filter(t => isHit(st, t)).map(t => {
        // the first word starting at or after it (else the first)
        var idx = bsearch(words.length, x => words[x].start < t.start);
        return { start: t.start, end: t.end, key: t.stem, index: idx < words.length ? idx : 0 };
      });
      var from = 0, to = b.length;
      if (words.length > size) {
        var best = 0, bd = -1, bc = -1;
        matches.forEach(m => {
          // the window of `size` words from 3 before it: most distinct matched stems, then most matches
          var sw = Math.max(0, Math.min(m.index - 3, words.length - size)), inside = matches.filter(x => x.index >= sw && x.index < sw + size);
          var keys = new Set(inside.map(x => x.key)).size;
          if (keys > bd || (keys === bd && inside.length > bc)) { bd = keys; bc = inside.length; best = sw; }
        });
        from = best && words[best].start;
        to = words[best + size - 1].end;
      }
      // the matches inside, as byte ranges of the slice, sorted and merged where they overlap
      var p = from > 0 ? 1 : 0, slice = b.subarray(from, to), u16 = u16offsets(slice), merged = [];
      matches.filter(m => m.start >= from && m.end <= to).map(m => [m.start - from, m.end - from])
        .sort((x, y) => x[0] - y[0] || y[1] - x[1]).forEach(x => {
          var l = merged[merged.length - 1];
          if (l && x[0] <= l[1]) l[1] = Math.max(l[1], x[1]); else merged.push(x);
        });
      // in UTF-16 units of the text shown, after the leading ellipsis if any
      return { text: (p ? '\u2026' : '') + td.decode(slice) + (to < b.length ? '\u2026' : ''),
        highlights: merged.map(x => [u16[x[0]] + p, u16[x[1]] + p]) };
    },

    // Runs `fn` with every file it touches loaded: fetch what it asks for, retry.
    run(fn) {
      var attempt = () => {
        try { return Promise.resolve(fn()); } catch (e) {
          return e instanceof Need ? this.ensure([e.name]).then(attempt) : Promise.reject(e);
        }
      };
      return attempt();
    },
    ranked(query) {
      var parsed = parse(query);
      return this.open().then(() => this.ensure(this.plan(parsed))).then(() => {
        return this.run(() => { var st = this.prepare(parsed); return { st, list: this.rank(st) }; });
      });
    }
  };

  // ---------- public engine ----------
  function Engine(base, options) {
    this.index = new Index((options || {}).loader || defaultLoader((base || '').replace(/[^/]$/, '$&/')));
  }
  Engine.prototype = {
    prefetch() { return this.index.open().then(() => {}); },
    rankDocuments(query, limit) {
      return this.index.ranked(query).then(x => x.list.slice(0, limit).map(d => ({ docID: d, score: x.st.final[d] })));
    },
    search(query, opts) {
      opts = opts || {};
      var ix = this.index, limit = opts.limit === undefined ? 10 : opts.limit, per = opts.sectionsPerPage || 3;
      return ix.ranked(query).then(x => {
        // pages in order of their best section; sections kept only for the pages shown
        var order = [], docsOf = new Map(), seen = new Uint32Array(ix.m.pageCount);
        x.list.forEach(d => {
          var p = ix.meta.pageOf[d];
          if (!seen[p]++) { order.push(p); if (order.length <= limit) docsOf.set(p, []); }
          var l = docsOf.get(p);
          if (l && l.length < per) l.push(d);
        });
        var shown = order.slice(0, Math.max(0, limit));
        return Promise.all([ix.blocks([].concat(...shown.map(p => docsOf.get(p)))), ix.ensure(opts.facetCounts ? [ix.m.facets.name] : [])]).then(() => {
          var pages = shown.map(p => {
            var hits = docsOf.get(p).map(d => {
              var s = ix.section(d);
              var hit = Object.assign({}, s, { score: x.st.final[d], snippet: ix.snippet(s, x.st, 28) });
              delete hit.raw;
              return hit;
            });
            return { pageURL: hits[0].pageURL, pageTitle: hits[0].pageTitle, sections: hits };
          });
          var res = { query, pages, totalSections: x.list.length, totalPages: order.length, corrections: x.st.corrections };
          if (opts.facetCounts) {
            // per facet value, how many of the matching pages have it
            var f = ix.facets(), counts = res.facets = {};
            Object.keys(f).forEach(name => {
              var c = counts[name] = {};
              Object.keys(f[name]).forEach(v => {
                var n = f[name][v].filter(p => seen[p]).length; // (a page is listed once per value)
                if (n) c[v] = n;
              });
            });
          }
          return res;
        });
      });
    },
    // A function that returns the UTF-16 ranges of `text` matching `query` (for
    // highlighting the words of a query on the page a result leads to).
    highlighter(query) {
      var ix = this.index;
      return ix.ranked(query).then(x => text => {
        var b = te.encode(text), u16 = u16offsets(b);
        var out = ix.an.tokens(null, true, b).filter(t => isHit(x.st, t)).map(t => [u16[t.start], u16[t.end]]);
        // sorted; a range overlapping the one before dropped
        out.sort((p, q) => p[0] - q[0] || q[1] - p[1]);
        return out.filter((r, i) => i === 0 || r[0] >= out[i - 1][1]);
      });
    },
  };

  // ---------- loaders ----------
  var pendingScripts = {};
  function defaultLoader(base) {
    // over HTTP (nothing loaded is a missing file)
    if (!root.location || root.location.protocol !== 'file:') {
      return Object.assign((name, b) => fetch(base + name, b && { headers: { Range: 'bytes=' + b.off + '-' + (b.off + b.len - 1) } })
        .then(res => res.ok ? res.arrayBuffer() : null, () => null), { ranges: 1 });
    }
    // from disk, where fetch is blocked: the NAME.js twins, each calling tomeSearchLoad
    root.tomeSearchLoad = (name, b64) => {
      var resolve = pendingScripts[name];
      delete pendingScripts[name];
      if (resolve) resolve(Uint8Array.from(atob(b64), c => c.charCodeAt(0)));
    };
    return name => new Promise((resolve, reject) => {
      var el = document.createElement('script');
      // loaded without calling tomeSearchLoad (else already resolved), or not loaded at all
      var fail = e => { el.remove(); delete pendingScripts[name]; reject(e(name + '.js')); };
      pendingScripts[name] = resolve;
      el.src = base + name + '.js';
      el.onload = () => fail(err.missing);
      el.onerror = () => fail(name === MANIFEST ? err.disk : err.missing);
      document.head.appendChild(el);
    });
  }

  var api = {
    open: (base, options) => new Engine(base, options),
    parse,
    stem: word => unbstr(stem(utf8(word))),
    // for tests: tokens(text, keepStop) gives {term, stem (byte strings), pos, start, end, kind (0 word, 1 whole, 2 part), stop}
    Analyzer: spec => new Analyzer(spec)
  };
  root.TomeSearch = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
