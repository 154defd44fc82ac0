/* Tome browser search engine: reads the index that `tome build` writes into
 * Public/search/ (format v3, see ARCHITECTURE.md) and answers queries exactly as the
 * Swift engine does: same analyzer, matching, BM25F arithmetic, grouping, snippets.
 * Plain ES2017, no dependencies, no eval. Terms are kept as "byte strings" (one char
 * per UTF-8 byte) so that comparisons and sorting match the Swift side byte for byte. */
(function (root) {
  'use strict';
  var VERSION = 3, ANALYZER = 'tome-en-1+porter2', F = 5, MANIFEST = 'manifest.json';
  var HINT = '; rebuild the index with `tome build`';
  var te = new TextEncoder(), td = new TextDecoder();

  // ---------- errors ----------
  function IndexError(file, message, hint) {
    var e = new Error(file + ': ' + message + (hint || HINT));
    e.name = 'TomeSearchError'; e.file = file;
    return e;
  }
  var err = {
    missing: function (f) { return IndexError(f, 'search index file is missing'); },
    corrupt: function (f, d) { return IndexError(f, 'search index file is corrupt (' + d + ')'); },
    checksum: function (f) { return IndexError(f, 'search index file does not match its checksum in the manifest (corrupt or truncated)'); },
    version: function (f, found) { return IndexError(f, 'search index format version ' + found + ', this engine reads version ' + VERSION); },
    analyzer: function (f, found) { return IndexError(f, "search index was built with analyzer '" + found + "', this engine uses '" + ANALYZER + "'"); },
    foreign: function (f) { return IndexError(f, 'not a Tome search index manifest'); },
    // Opened from disk, but built for a web server (no NAME.js twins).
    disk: function (f) {
      return IndexError(f, 'search cannot load its index from a folder opened from disk',
        '; build the site with `tome build --links file` to search it from disk, or serve the folder over HTTP');
    }
  };
  function Need(name) { this.name = name; }

  // ---------- bytes ----------
  function bstr(u8, from, to) {
    var s = '';
    for (var i = from || 0, n = to === undefined ? u8.length : to; i < n; i += 8192) {
      s += String.fromCharCode.apply(null, u8.subarray(i, Math.min(n, i + 8192)));
    }
    return s;
  }
  function utf8(s) { return bstr(te.encode(s)); }
  function unbstr(b) {
    var u = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);
    return td.decode(u);
  }
  function isLetters(b) {
    for (var i = 0; i < b.length; i++) { var c = b.charCodeAt(i); if (!((c >= 97 && c <= 122) || c >= 128)) return false; }
    return true;
  }
  function scalars(b) { return Array.from(unbstr(b), function (c) { return c.codePointAt(0); }); }

  var CRC = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    CRC[n] = c >>> 0;
  }
  function crc32(u8) {
    var c = 0xFFFFFFFF;
    for (var i = 0; i < u8.length; i++) c = CRC[(c ^ u8[i]) & 255] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  // Index .bin files are gzip; the browser's own DecompressionStream inflates them.
  function inflate(u8, name) {
    return new Response(new Blob([u8]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()
      .then(function (b) { return new Uint8Array(b); }, function () { throw err.corrupt(name, 'not valid gzip data'); });
  }

  function Reader(u8, file, from, to) {
    this.b = u8; this.o = from || 0; this.end = to === undefined ? u8.length : Math.min(to, u8.length); this.file = file;
  }
  Reader.prototype = {
    fail: function (what) { return err.corrupt(this.file, what + ' at byte ' + this.o); },
    u8: function () { if (this.o >= this.end) throw this.fail('unexpected end of data'); return this.b[this.o++]; },
    varint: function () {
      var r = 0, mul = 1, b;
      for (var shift = 0; ; shift += 7) {
        if (shift > 49) throw this.fail('varint too long');
        b = this.u8(); r += (b & 127) * mul; mul *= 128;
        if (!(b & 128)) return r;
      }
    },
    take: function (n) {
      if (n < 0 || n > this.end - this.o) throw this.fail('length ' + n + ' past end of data');
      var s = bstr(this.b, this.o, this.o + n); this.o += n; return s;
    },
    str: function () { return unbstr(this.take(this.varint())); },
    f64: function () {
      if (this.end - this.o < 8) throw this.fail('length 8 past end of data');
      var v = new DataView(this.b.buffer, this.b.byteOffset + this.o, 8).getFloat64(0, true); this.o += 8; return v;
    },
    magic: function (m) {
      if (this.take(4) !== m) throw err.corrupt(this.file, 'not a ' + m + ' file (bad magic bytes)');
      var v = this.u8();
      if (v !== VERSION) throw err.version(this.file, v);
    }
  };

  var NORM = [];
  for (var q = 0; q < 256; q++) NORM[q] = q < 32 ? q : (16 + ((q - 32) & 15)) * Math.pow(2, ((q - 32) >> 4) + 1);

  // ---------- Porter2 (Snowball English) over byte strings ----------
  var EXC = { skies: 'sky', skis: 'ski', idly: 'idl', gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
    sky: 0, news: 0, howe: 0, atlas: 0, cosmos: 0, bias: 0, andes: 0 };
  var S2 = [['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'], ['tional', 'tion'],
    ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'],
    ['iviti', 'ive'], ['fulli', 'ful'], ['ogist', 'og'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'],
    ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og', 'l'], ['li', '', 'cdeghkmnrt']];
  var S3 = [['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', '', 2],
    ['ical', 'ic'], ['ness', ''], ['ful', '']];
  var S4 = 'ement ance ence able ible ment ant ent ism ate iti ous ive ize ion al er ic'.split(' ').map(function (s) {
    return [s, '', s === 'ion' ? 'st' : undefined];
  });
  var R1P = ['arsen', 'commun', 'emerg', 'gener', 'inter', 'later', 'organ', 'past', 'univers'];
  function vowel(ch) { return ch !== undefined && 'aeiouy'.indexOf(ch) >= 0; }
  function cont(ch) { return (ch.charCodeAt(0) & 0xC0) === 0x80; }

  function stem(word) {
    if (word.length >= 3 && word.length <= 6 && Object.prototype.hasOwnProperty.call(EXC, word)) return EXC[word] || word;
    var chars = 0;
    for (var i = 0; i < word.length && chars < 3; i++) if (!cont(word[i])) chars++;
    if (chars < 3) return word;
    var w = word, r1, r2, marked = false;
    function ends(s, at) { var e = at === undefined ? w.length : at; return e >= s.length && w.slice(e - s.length, e) === s; }
    function cstart(o) { var i = o - 1; while (i > 0 && cont(w[i])) i--; return i; }
    function hasVowel(e) { for (var i = 0; i < e; i++) if (vowel(w[i])) return true; return false; }
    function region(from) {
      var i = from;
      while (i < w.length && !vowel(w[i])) i++;
      while (i < w.length && vowel(w[i])) i++;
      if (i >= w.length) return -1;
      i++;
      while (i < w.length && cont(w[i])) i++;
      return i;
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
    function rule(rules, rs) {
      for (var k = 0; k < rules.length; k++) {
        var r = rules[k];
        if (!ends(r[0])) continue;
        var start = w.length - r[0].length, c = r[2];
        if (start < rs) return;
        if (c === 2 ? start < r2 : c !== undefined && !(start > 0 && c.indexOf(w[start - 1]) >= 0)) return;
        w = w.slice(0, start) + r[1];
        return;
      }
    }
    // prelude
    if (w[0] === "'") w = w.slice(1);
    var a = w.split('');
    for (i = 0; i < a.length; i++) if (a[i] === 'y' && (i === 0 || vowel(a[i - 1]))) { a[i] = 'Y'; marked = true; }
    w = a.join('');
    // regions
    r1 = r2 = w.length;
    var pre = R1P.filter(function (p) { return w.slice(0, p.length) === p; })[0];
    var st = pre ? pre.length : region(0);
    if (st >= 0) { r1 = st; var s2 = region(r1); r2 = s2 >= 0 ? s2 : w.length; }
    // 1a
    if (ends("'s'")) w = w.slice(0, -3); else if (ends("'s")) w = w.slice(0, -2); else if (ends("'")) w = w.slice(0, -1);
    if (ends('sses')) w = w.slice(0, -2);
    else if (ends('ied') || ends('ies')) { var s = w.length - 3; w = w.slice(0, s) + (s > 0 && cstart(s) > 0 ? 'i' : 'ie'); }
    else if (ends('us') || ends('ss')) { /* keep */ }
    else if (ends('s')) { var p = w.length - 1; if (p > 0 && hasVowel(cstart(p))) w = w.slice(0, -1); }
    // 1b
    var len = 0, kind = 0;
    if (ends('eedly')) { len = 5; kind = 1; } else if (ends('ingly')) len = 5; else if (ends('edly')) len = 4;
    else if (ends('eed')) { len = 3; kind = 1; } else if (ends('ing')) { len = 3; kind = 2; } else if (ends('ed')) len = 2;
    step1b: if (len) {
      var b = w.length - len, before = w.slice(0, b);
      if (kind === 1) {
        if (['proc', 'exc', 'succ'].indexOf(before) < 0 && b >= r1) w = before + 'ee';
        break step1b;
      }
      if (kind === 2) {
        if (b >= 2 && w[b - 1] === 'y' && cstart(b - 1) === 0 && !vowel(w[0])) { w = w.slice(0, -4) + 'ie'; break step1b; }
        if (['inn', 'out', 'cann', 'herr', 'earr', 'even'].indexOf(before) >= 0) break step1b;
      }
      if (!hasVowel(b)) break step1b;
      w = before;
      var n = w.length;
      if (ends('at') || ends('bl') || ends('iz')) w += 'e';
      else if (n >= 2 && w[n - 1] === w[n - 2] && 'bdfgmnprt'.indexOf(w[n - 1]) >= 0) {
        if (!(n === 3 && 'aeo'.indexOf(w[0]) >= 0)) w = w.slice(0, -1);
      } else if (r1 === n && shortSyl(n)) w += 'e';
    }
    // 1c
    n = w.length;
    if (n >= 2 && (w[n - 1] === 'y' || w[n - 1] === 'Y')) { var l = cstart(n - 1); if (l > 0 && !vowel(w[l])) w = w.slice(0, -1) + 'i'; }
    rule(S2, r1); rule(S3, r1); rule(S4, r2);
    // 5
    n = w.length;
    if (n > 0) {
      var last = n - 1;
      if (w[last] === 'e') { if (last >= r2 || (last >= r1 && !shortSyl(last))) w = w.slice(0, -1); }
      else if (w[last] === 'l') { if (last >= r2 && last > 0 && w[last - 1] === 'l') w = w.slice(0, -1); }
    }
    return marked ? w.replace(/Y/g, 'y') : w;
  }

  // ---------- analyzer ----------
  var WORDRE = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}\p{M}]/u, MARKRE = /[\p{Mn}\p{Me}]/u, SPACE = /\p{White_Space}/u;

  function Analyzer(spec) {
    this.stop = new Set(spec.stopWords);
    this.fold = new Map();
    var self = this;
    (spec.fold || []).forEach(function (e) { self.fold.set(e[0], utf8(e[1])); });
    this.max = spec.maxTokenBytes || 64;
    this.conn = spec.connectors || '.-@_';
  }
  Analyzer.prototype = {
    stemOf: function (t) { return isLetters(t) ? stem(t) : t; },
    foldScalar: function (v) {
      var m = this.fold.get(v);
      if (m !== undefined) return m;
      var ch = String.fromCodePoint(v);
      return MARKRE.test(ch) ? '' : utf8(ch.toLowerCase());
    },
    isWord: function (v) { return this.fold.has(v) || WORDRE.test(String.fromCodePoint(v)); },
    // Tokens of a text (byte offsets into its UTF-8). kind 0 word, 1 whole, 2 part.
    tokens: function (text, keepStop, bytes) {
      var out = [], self = this, b = bytes || te.encode(text);
      if (!b.length) return out;
      var pos = 0, parts = [], connBefore = [], cur = '', cs = -1, ce = 0, pending = null;
      function endPart() { if (cs >= 0) { parts.push([cur, cs, ce]); cur = ''; cs = -1; } }
      function emit(term, s, e, kind, p) {
        if (!term.length || term.length > self.max) return;
        var stop = self.stop.has(term);
        if (stop && !keepStop) return;
        out.push({ term: term, stem: stop ? term : self.stemOf(term), pos: p, start: s, end: e, kind: kind, stop: stop });
      }
      function flush() {
        endPart(); pending = null;
        if (!parts.length) return;
        if (parts.length === 1) { emit(parts[0][0], parts[0][1], parts[0][2], 0, pos); pos++; }
        else {
          var whole = parts[0][0];
          for (var i = 1; i < parts.length; i++) whole += connBefore[i - 1] + parts[i][0];
          if (whole.length <= self.max) out.push({ term: whole, stem: whole, pos: pos, start: parts[0][1], end: parts[parts.length - 1][2], kind: 1, stop: false });
          parts.forEach(function (p) { emit(p[0], p[1], p[2], 2, pos); pos++; });
        }
        parts = []; connBefore = [];
      }
      function wordByte(f, s, e) {
        if (cs < 0) {
          if (pending !== null && parts.length) { connBefore.push(pending); pending = null; } else flush();
          cs = s;
        }
        cur += f; ce = e;
      }
      var n = b.length + 1, i = 0;
      while (i < n) {
        var c = i < b.length ? b[i] : 32;
        if (c < 128) {
          if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) wordByte(String.fromCharCode(c), i, i + 1);
          else if (c >= 65 && c <= 90) wordByte(String.fromCharCode(c + 32), i, i + 1);
          else if (this.conn.indexOf(String.fromCharCode(c)) >= 0 && cs >= 0 && pending === null) { endPart(); pending = String.fromCharCode(c); }
          else flush();
          i++; continue;
        }
        var len = 1, v = 0;
        if ((c & 0xE0) === 0xC0) { len = 2; v = c & 31; } else if ((c & 0xF0) === 0xE0) { len = 3; v = c & 15; } else if ((c & 0xF8) === 0xF0) { len = 4; v = c & 7; }
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
    foldString: function (text) {
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
    var self = this;
    groups.forEach(function (members, g) {
      members.forEach(function (m) {
        var toks = an.tokens(m).filter(function (t) { return t.kind !== 1; });
        if (!toks.length) return;
        var f = toks[0];
        if (!self.map.has(f.stem)) self.map.set(f.stem, []);
        self.map.get(f.stem).push({ stems: toks.map(function (t) { return t.stem; }), offsets: toks.map(function (t) { return t.pos - f.pos; }), group: g });
      });
    });
  }
  Synonyms.prototype.matches = function (tokens) {
    var res = [];
    if (!this.map.size) return res;
    var words = [];
    tokens.forEach(function (t, i) { if (t.kind !== 1) words.push([i, t]); });
    for (var wi = 0; wi < words.length; wi++) {
      var ti = words[wi][0], tok = words[wi][1], cands = this.map.get(tok.stem);
      if (!cands) continue;
      cands.forEach(function (m) {
        var ok = true, last = ti;
        for (var k = 1; k < Math.max(1, m.stems.length); k++) {
          var wj = wi + k;
          if (!(wj < words.length && words[wj][1].stem === m.stems[k] && words[wj][1].pos - tok.pos === m.offsets[k])) { ok = false; break; }
          last = words[wj][0];
        }
        if (ok) res.push({ index: ti, count: last - ti + 1, group: m.group });
      });
    }
    return res;
  };

  // ---------- query parser ----------
  function parse(raw) {
    var q = { items: [], excluded: [], filters: [], endsWithSpace: false };
    var sc = Array.from(raw), bytes = 0, cut = sc.length;
    for (var x = 0; x < sc.length; x++) { bytes += te.encode(sc[x]).length; if (bytes > 1024) { cut = x; break; } }
    sc = sc.slice(0, cut);
    var sp = function (c) { return SPACE.test(c); };
    q.endsWithSpace = sc.length > 0 && sp(sc[sc.length - 1]);
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
          if ((name === 'book' || name === 'tag' || name === 'type') && !neg && i + 1 < n && !sp(sc[i + 1])) {
            i++;
            var value = '';
            if (sc[i] === '"') value = quoted(); else while (i < n && !sp(sc[i])) value += sc[i++];
            if (value) q.filters.push({ facet: name, value: value });
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
  function bindex(a, x) {
    var lo = 0, hi = a.length - 1;
    while (lo <= hi) { var m = (lo + hi) >> 1; if (a[m] === x) return m; if (a[m] < x) lo = m + 1; else hi = m - 1; }
    return -1;
  }
  function cmpb(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function editDistance(a, b, limit) {
    if (!a.length) return b.length;
    if (!b.length) return a.length;
    var prev2 = new Array(b.length + 1).fill(0), prev = [], cur = new Array(b.length + 1).fill(0), t;
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur[0] = i;
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        rowMin = Math.min(rowMin, v);
      }
      if (rowMin > limit) return limit + 1;
      t = prev2; prev2 = prev; prev = cur; cur = t;
    }
    return prev[b.length];
  }
  function u16offsets(b) {
    var out = new Array(b.length + 1), u = 0, i;
    for (i = 0; i < b.length; i++) { out[i] = u; if ((b[i] & 0xC0) !== 0x80) u += b[i] >= 0xF0 ? 2 : 1; }
    out[b.length] = u;
    for (i = b.length - 1; i >= 0; i--) if ((b[i] & 0xC0) === 0x80) out[i] = out[i + 1];
    return out;
  }
  function concat(a, b, c) {
    var o = new Uint8Array(a.length + b.length + c.length);
    o.set(a); o.set(b, a.length); o.set(c, a.length + b.length); return o;
  }
  var ELLIPSIS = te.encode('\u2026'), NONE = new Uint8Array(0);

  // ---------- the index ----------
  function Index(load) {
    this.load = load;
    this.files = new Map();
    this.pending = new Map();
    this.cache = {};
    this.fetched = [];
  }
  Index.prototype = {
    // Fetches (once) and checks the named files, in parallel.
    ensure: function (names) {
      var self = this;
      return Promise.all(names.map(function (name) {
        if (self.files.has(name)) return null;
        if (!self.pending.has(name)) {
          self.pending.set(name, Promise.resolve().then(function () { return self.load(name); }).then(function (bytes) {
            if (!bytes) throw err.missing(name);
            var u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
            self.fetched.push(name);
            if (name !== MANIFEST) {
              var ref = self.refs[name];
              if (!ref || u8.length !== ref.bytes || crc32(u8) !== ref.crc32) throw err.checksum(name);
            }
            return /\.bin$/.test(name) ? inflate(u8, name) : u8;
          }).then(function (u8) {
            self.files.set(name, u8);
          }).catch(function (e) { self.pending.delete(name); throw e; }));
        }
        return self.pending.get(name);
      }));
    },
    open: function () {
      var self = this;
      if (!this.opening) {
        this.opening = this.ensure([MANIFEST]).then(function () {
          self.parseManifest(self.files.get(MANIFEST));
          var m = self.m;
          return self.ensure([m.analyzerFile.name, m.docMeta.name, m.norms.name]);
        }).then(function () { self.analyzer(); self.docMeta(); self.norms(); return self; });
        this.opening.catch(function () { self.opening = null; });
      }
      return this.opening;
    },
    parseManifest: function (u8) {
      var f = MANIFEST, j;
      try { j = JSON.parse(td.decode(u8)); } catch (e) { throw err.corrupt(f, 'invalid JSON: ' + e.message); }
      if (!j || typeof j !== 'object' || j.format !== 'tome-search') throw err.foreign(f);
      if (typeof j.version !== 'number') throw err.corrupt(f, 'no version');
      if (j.version !== VERSION) throw err.version(f, j.version);
      if (j.analyzer !== ANALYZER) throw err.analyzer(f, j.analyzer === undefined ? '(none)' : j.analyzer);
      var refs = {};
      function bad(w) { return err.corrupt(f, "missing or invalid '" + w + "'"); }
      function isInt(x) { return typeof x === 'number' && Math.floor(x) === x; }
      function ref(v, w) {
        if (!v || typeof v.name !== 'string' || !isInt(v.bytes) || !isInt(v.crc32) || v.crc32 < 0 || v.crc32 > 0xFFFFFFFF ||
          v.name.indexOf('/') >= 0 || v.name[0] === '.') throw bad(w);
        refs[v.name] = v;
        return v;
      }
      ['docCount', 'pageCount', 'termCount'].forEach(function (k) { if (!isInt(j[k]) || j[k] < 0) throw bad(k); });
      if (!Array.isArray(j.fields) || j.fields.length !== F) throw bad('fields');
      j.fields.forEach(function (x) { if (!x || !isInt(x.totalLength) || typeof x.weight !== 'number') throw bad('fields'); });
      var r = j.ranking;
      if (!r || typeof r !== 'object') throw bad('ranking');
      ['k1', 'b', 'exact', 'stem', 'synonym', 'prefix', 'typo', 'proximity', 'coverage'].forEach(function (k) {
        if (typeof r[k] !== 'number') throw bad('ranking.' + k);
      });
      if (typeof r.tiers !== 'boolean') throw bad('ranking.tiers');
      ref(j.analyzerFile, 'analyzerFile'); ref(j.docMeta, 'docMeta'); ref(j.norms, 'norms'); ref(j.facets, 'facets');
      var shards = (j.shards || []).map(function (s) {
        if (!s || typeof s.first !== 'string' || !/^([0-9a-f]{2})*$/.test(s.first)) throw bad('shards.first');
        var first = '';
        for (var i = 0; i < s.first.length; i += 2) first += String.fromCharCode(parseInt(s.first.slice(i, i + 2), 16));
        return { first: first, terms: ref(s.terms, 'shards.terms'), positions: ref(s.positions, 'shards.positions') };
      });
      var chunks = (j.docChunks || []).map(function (c) {
        if (!c || !isInt(c.firstDoc)) throw bad('docChunks.firstDoc');
        return { firstDoc: c.firstDoc, file: ref(c.file, 'docChunks.file') };
      });
      this.refs = refs;
      this.m = { docCount: j.docCount, pageCount: j.pageCount, totals: j.fields.map(function (x) { return x.totalLength; }),
        weights: j.fields.map(function (x) { return x.weight; }), r: r, analyzerFile: j.analyzerFile, docMeta: j.docMeta, norms: j.norms,
        facets: j.facets, shards: shards, chunks: chunks };
    },
    bytes: function (ref) {
      var b = this.files.get(ref.name);
      if (!b) throw new Need(ref.name);
      return b;
    },
    memo: function (key, fn) { var c = this.cache; return c.hasOwnProperty(key) ? c[key] : (c[key] = fn.call(this)); },
    analyzer: function () {
      return this.memo('an', function () {
        var ref = this.m.analyzerFile, j;
        try { j = JSON.parse(td.decode(this.bytes(ref))); } catch (e) { if (e instanceof Need) throw e; throw err.corrupt(ref.name, 'invalid JSON'); }
        if (!j || j.id !== ANALYZER) throw err.analyzer(ref.name, j && j.id || '(none)');
        var an = new Analyzer(j);
        this.syn = new Synonyms((j.synonyms || []).map(function (g) { return (g || []).filter(function (s) { return typeof s === 'string'; }); }), an);
        return an;
      });
    },
    docMeta: function () {
      return this.memo('meta', function () {
        var ref = this.m.docMeta, r = new Reader(this.bytes(ref), ref.name);
        r.magic('TOMM');
        var docs = r.varint(), pages = r.varint();
        if (docs !== this.m.docCount || pages !== this.m.pageCount) throw r.fail('counts disagree with the manifest');
        var pageOf = new Int32Array(docs), first = [], d = 0, boosts = new Map();
        for (var p = 0; p < pages; p++) {
          var n = r.varint();
          first.push(d);
          if (d + n > docs) throw r.fail('page sizes exceed document count');
          for (var k = 0; k < n; k++) pageOf[d++] = p;
        }
        if (d !== docs) throw r.fail('page sizes do not add up');
        for (var nb = r.varint(); nb > 0; nb--) {
          var doc = r.varint(), b = r.f64();
          if (!(doc < docs) || !isFinite(b)) throw r.fail('bad boost entry');
          boosts.set(doc, b);
        }
        if (r.o !== r.end) throw r.fail('unexpected trailing bytes');
        return { pageOf: pageOf, pageFirst: first, boosts: boosts };
      });
    },
    norms: function () {
      return this.memo('norms', function () {
        var ref = this.m.norms, r = new Reader(this.bytes(ref), ref.name), N = this.m.docCount;
        r.magic('TOMN');
        if (r.varint() !== N) throw r.fail('document count disagrees with the manifest');
        if (r.end - r.o !== N * F) throw r.fail('norms do not match the document count');
        return r.b.subarray(r.o, r.end);
      });
    },
    facets: function () {
      return this.memo('facets', function () {
        var ref = this.m.facets, r = new Reader(this.bytes(ref), ref.name), out = {};
        r.magic('TOMF');
        for (var n = r.varint(); n > 0; n--) {
          var name = r.str(), map = {};
          for (var v = r.varint(); v > 0; v--) {
            var key = r.str(), pages = [], p = 0;
            for (var c = r.varint(); c > 0; c--) {
              p += r.varint();
              if (!(p < this.m.pageCount)) throw r.fail('page index out of range');
              pages.push(p);
            }
            map[key] = pages;
          }
          out[name] = map;
        }
        return out;
      });
    },
    shard: function (i) {
      return this.memo('s' + i, function () {
        var ref = this.m.shards[i].terms, u8 = this.bytes(ref), r = new Reader(u8, ref.name);
        r.magic('TOMT');
        var count = r.varint();
        if (count > u8.length) throw r.fail('term count ' + count + ' too large');
        var sh = { name: ref.name, u8: u8, terms: [], stems: [], df: [], ps: [], pe: [], qs: [], qe: [], index: new Map() }, prev = '', pl = [], ql = [];
        for (var k = 0; k < count; k++) {
          var shared = r.varint();
          if (shared > prev.length) throw r.fail('bad shared prefix length');
          var term = prev.slice(0, shared) + r.take(r.varint());
          var ss = r.varint();
          if (ss > term.length) throw r.fail('bad stem prefix length');
          var st = term.slice(0, ss) + r.take(r.varint());
          sh.index.set(term, k);
          sh.terms.push(term); sh.stems.push(st);
          sh.df.push(r.varint()); pl.push(r.varint()); ql.push(r.varint());
          prev = term;
        }
        var o = r.o, p = 5;
        pl.forEach(function (l) {
          sh.ps.push(o); o += l; sh.pe.push(o);
          if (o > u8.length) throw err.corrupt(ref.name, 'postings run past the end of the file');
        });
        if (o !== u8.length) throw err.corrupt(ref.name, 'unexpected trailing bytes');
        ql.forEach(function (l) { sh.qs.push(p); p += l; sh.qe.push(p); });
        return sh;
      });
    },
    positions: function (i) {
      return this.memo('p' + i, function () {
        var ref = this.m.shards[i].positions, b = this.bytes(ref);
        new Reader(b, ref.name).magic('TOMP');
        return b;
      });
    },
    postings: function (si, t) {
      return this.memo('l' + si + ':' + t, function () {
        var sh = this.shard(si), r = new Reader(sh.u8, sh.name, sh.ps[t], sh.pe[t]), n = sh.df[t];
        var L = { docs: [], tfs: [], norms: [] }, doc = 0, masks = [], k, f, nm = this.norms(), N = this.m.docCount;
        // doc deltas, then field masks, then tfs
        for (k = 0; k < n; k++) {
          doc += r.varint();
          if (!(doc < this.m.docCount)) throw r.fail('document id ' + doc + ' out of range');
          L.docs.push(doc);
        }
        for (k = 0; k < n; k++) masks.push(r.u8());
        for (k = 0; k < n; k++) {
          for (f = 0; f < F; f++) {
            if (masks[k] & (1 << f)) { L.tfs.push(r.varint()); L.norms.push(nm[f * N + L.docs[k]]); } else { L.tfs.push(0); L.norms.push(0); }
          }
        }
        if (r.o !== r.end) throw r.fail('postings end with unexpected bytes');
        return L;
      });
    },
    positionLists: function (si, t, L) {
      var sh = this.shard(si), b = this.positions(si), ref = this.m.shards[si].positions;
      var r = new Reader(b, ref.name, sh.qs[t], sh.qe[t]), out = [];
      for (var k = 0; k < L.docs.length; k++) {
        var per = [];
        for (var f = 0; f < F; f++) {
          var tf = L.tfs[k * F + f], p = 0, list = [];
          for (var x = 0; x < tf; x++) { p += r.varint(); list.push(p); }
          per.push(list);
        }
        out.push(per);
      }
      return out;
    },
    shardIndex: function (term) {
      var key = term.slice(0, 2), s = this.m.shards, lo = 0, hi = s.length - 1, found = -1;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (!(key < s[mid].first)) { found = mid; lo = mid + 1; } else hi = mid - 1; }
      return found;
    },
    shardsForPrefix: function (prefix) {
      var first = this.shardIndex(prefix), s = this.m.shards;
      if (first < 0) return s.length ? [0] : [];
      var out = [first], p2 = prefix.slice(0, 2);
      for (var i = first + 1; i < s.length && s[i].first.slice(0, p2.length) === p2; i++) out.push(i);
      return out;
    },
    chunkIndex: function (doc) {
      var c = this.m.chunks, lo = 0, hi = c.length - 1, found = -1;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (c[mid].firstDoc <= doc) { found = mid; lo = mid + 1; } else hi = mid - 1; }
      return found;
    },
    chunk: function (i) {
      return this.memo('c' + i, function () {
        var ref = this.m.chunks[i].file, r = new Reader(this.bytes(ref), ref.name), out = [];
        r.magic('TOMD');
        var doc = r.varint();
        if (doc !== this.m.chunks[i].firstDoc) throw r.fail('first document disagrees with the manifest');
        for (var pages = r.varint(); pages > 0; pages--) {
          var pageURL = r.str(), pageTitle = r.str(), book = r.str(), bookTitle = r.str(), type = r.str(), tags = [];
          for (var nt = r.varint(); nt > 0; nt--) tags.push(r.str());
          for (var ns = r.varint(); ns > 0; ns--) {
            var url = r.str(), heading = r.str(), path = [];
            for (var np = r.varint(); np > 0; np--) path.push(r.str());
            var n = r.varint(), start = r.o;
            r.take(n);
            var raw = r.b.subarray(start, start + n);
            out.push({ docID: doc++, url: url, pageURL: pageURL, pageTitle: pageTitle, heading: heading, headingPath: path,
              text: td.decode(raw), raw: raw, tags: tags, book: book, bookTitle: bookTitle, type: type });
          }
        }
        return out;
      });
    },
    section: function (doc) {
      var c = this.chunkIndex(doc);
      if (c < 0) return null;
      var s = this.chunk(c), k = doc - this.m.chunks[c].firstDoc;
      return k >= 0 && k < s.length ? s[k] : null;
    },

    // ----- matching -----
    lookup: function (w, st, prefix, typo, t, corr) {
      var r = this.m.r, si = this.shardIndex(w), self = this;
      if (si < 0) return;
      var sh = this.shard(si), seen = new Set(), k;
      function add(s, ti, kind, weight) { t.variants.push({ shard: s, term: ti, bytes: self.shard(s).terms[ti], kind: kind, weight: weight, L: self.postings(s, ti) }); }
      if (sh.index.has(w)) { add(si, sh.index.get(w), 'exact', r.exact); seen.add(w); }
      var stems = 0;
      for (k = 0; k < sh.stems.length; k++) {
        if (sh.stems[k] === st && !seen.has(sh.terms[k])) {
          if (stems >= 32) break;
          add(si, k, 'stem', r.stem); seen.add(sh.terms[k]); stems++;
        }
      }
      if (prefix && r.tiers && w.length >= 2) {
        var cands = [];
        this.shardsForPrefix(w).forEach(function (s) {
          var psh = self.shard(s);
          psh.terms.forEach(function (term, ti) {
            if (term.length > w.length && term.slice(0, w.length) === w && !seen.has(term)) cands.push([s, ti, term, psh.df[ti]]);
          });
        });
        cands.sort(function (a, b) { return a[3] !== b[3] ? b[3] - a[3] : cmpb(a[2], b[2]); });
        cands.slice(0, 50).forEach(function (c) { add(c[0], c[1], 'prefix', r.prefix); seen.add(c[2]); });
      }
      if (typo && r.tiers && !t.variants.length && !/[0-9]/.test(w)) {
        var wl = scalars(w);
        if (wl.length >= 5) {
          var max = wl.length >= 9 ? 2 : 1, tc = [];
          sh.terms.forEach(function (term, ti) {
            if (term[0] !== w[0] || Math.abs(term.length - w.length) > max * 2) return;
            var tl = scalars(term);
            if (Math.abs(tl.length - wl.length) > max) return;
            var d = editDistance(wl, tl, max);
            if (d <= max) tc.push([d, sh.df[ti], ti]);
          });
          tc.sort(function (a, b) { return a[0] !== b[0] ? a[0] - b[0] : a[1] !== b[1] ? b[1] - a[1] : cmpb(sh.terms[a[2]], sh.terms[b[2]]); });
          tc.slice(0, 10).forEach(function (c) { add(si, c[2], 'typo', r.typo); });
          if (tc.length) corr.push({ typed: unbstr(w), suggestion: unbstr(sh.terms[tc[0][2]]) });
        }
      }
    },

    // The index files a query will read (so they can be fetched in parallel first).
    plan: function (parsed) {
      var an = this.analyzer(), self = this, shards = new Set(), words = 0, phrases = false, names = [];
      var last = -1;
      parsed.items.forEach(function (it, i) { if (!it.phrase) last = i; });
      function terms(text, isLast, excl) {
        var toks = an.tokens(text, true).filter(function (t) { return !t.stop; }), n = 0;
        toks.forEach(function (t) {
          shards.add(self.shardIndex(t.term));
          if (t.kind !== 1) n++;
        });
        if (isLast && toks.length) {
          self.shardsForPrefix(toks[toks.length - 1].term).forEach(function (s) { shards.add(s); });
          toks.forEach(function (t) { if (t.kind === 1) self.shardsForPrefix(t.term).forEach(function (s) { shards.add(s); }); });
        }
        if (!excl) self.syn.matches(toks).forEach(function (m) { shards.add(self.shardIndex('~' + m.group)); });
        return n;
      }
      parsed.items.forEach(function (it, i) {
        var n = terms(it.text, i === last && !parsed.endsWithSpace, false);
        if (it.phrase && n > 1) phrases = true;
        words += it.phrase ? 1 : n;
      });
      parsed.excluded.forEach(function (it) { if (terms(it.text, false, true) > 1) phrases = true; });
      shards.forEach(function (s) {
        if (s < 0) return;
        names.push(self.m.shards[s].terms.name);
        if (phrases || words > 1) names.push(self.m.shards[s].positions.name);
      });
      if (parsed.filters.length) names.push(this.m.facets.name);
      return names;
    },

    prepare: function (parsed) {
      var st = { terms: [], excl: [], allowed: null, corrections: [], hlTerms: new Set(), hlStems: new Set() };
      var an = this.analyzer(), syn = this.syn, r = this.m.r, self = this, base = 0, last = -1, i, k;
      parsed.items.forEach(function (it, x) { if (!it.phrase) last = x; });
      function qterm(pos) { return { variants: [], parts: [], pos: pos, docs: [], tf: [], norms: [], idf: 0 }; }
      for (i = 0; i < parsed.items.length; i++) {
        if (st.terms.length >= 32) break;
        var item = parsed.items[i], toks = an.tokens(item.text, true), endPos = (toks.length ? toks[toks.length - 1].pos : 0) + 1;
        if (item.phrase) {
          var pw = toks.filter(function (t) { return t.kind !== 1 && !t.stop; });
          if (!pw.length) continue;
          var qt = qterm(base + pw[0].pos);
          pw.forEach(function (w) {
            var part = qterm(0);
            self.lookup(w.term, w.stem, false, false, part, st.corrections);
            part.variants = part.variants.filter(function (v) { return v.kind === 'exact' || v.kind === 'stem'; });
            qt.parts.push({ variants: part.variants, offset: w.pos - pw[0].pos });
            part.variants.forEach(function (v) { st.hlTerms.add(v.bytes); });
          });
          if (pw.length === 1) { qt.variants = qt.parts[0].variants; qt.parts = []; }
          st.terms.push(qt);
          base += endPos;
          continue;
        }
        var isLast = i === last && !parsed.endsWithSpace;
        var kept = toks.filter(function (t) { return !t.stop; }), words = kept.filter(function (t) { return t.kind !== 1; });
        var covered = new Set(), single = new Map();
        syn.matches(kept).forEach(function (m) {
          if (m.count > 1) {
            var g = '~' + m.group, q = qterm(base + kept[m.index].pos);
            self.lookup(g, g, false, false, q, st.corrections);
            for (var c = m.index; c < m.index + m.count; c++) covered.add(c);
            st.terms.push(q);
          } else {
            if (!single.has(m.index)) single.set(m.index, []);
            single.get(m.index).push(m.group);
          }
        });
        var whole = kept.filter(function (t) { return t.kind === 1; })[0];
        if (whole && !covered.size) {
          var wq = qterm(base + whole.pos);
          this.lookup(whole.term, whole.stem, isLast, false, wq, st.corrections);
          if (wq.variants.length) {
            st.terms.push(wq); st.hlTerms.add(whole.term); base += endPos;
            continue;
          }
        }
        for (k = 0; k < kept.length; k++) {
          var w = kept[k];
          if (w.kind === 1 || covered.has(k)) continue;
          var q = qterm(base + w.pos);
          this.lookup(w.term, w.stem, isLast && w === words[words.length - 1], true, q, st.corrections);
          (single.get(k) || []).forEach(function (g) {
            var gt = '~' + g, si = self.shardIndex(gt);
            if (si >= 0 && self.shard(si).index.has(gt)) {
              var ti = self.shard(si).index.get(gt);
              q.variants.push({ shard: si, term: ti, bytes: gt, kind: 'synonym', weight: r.synonym, L: self.postings(si, ti) });
            }
          });
          st.hlStems.add(w.stem);
          st.terms.push(q);
          if (st.terms.length >= 32) break;
        }
        base += endPos;
      }
      st.terms.forEach(function (t) { t.variants.forEach(function (v) { if (v.bytes[0] !== '~') st.hlTerms.add(v.bytes); }); });
      parsed.excluded.forEach(function (item) {
        var ws = an.tokens(item.text).filter(function (t) { return t.kind !== 1; }), q = qterm(0), first = -1;
        ws.forEach(function (w) {
          var part = qterm(0);
          self.lookup(w.term, w.stem, false, false, part, []);
          if (first < 0) first = w.pos;
          q.parts.push({ variants: part.variants, offset: w.pos - first });
        });
        if (q.parts.length === 1) { q.variants = q.parts[0].variants; q.parts = []; }
        if (q.parts.length || q.variants.length) st.excl.push(q);
      });
      if (parsed.filters.length) {
        var f = this.facets(), by = {};
        parsed.filters.forEach(function (x) {
          var pages = (f[x.facet] || {})[an.foldString(x.value)] || [];
          if (!by[x.facet]) by[x.facet] = new Set();
          pages.forEach(function (p) { by[x.facet].add(p); });
        });
        var allowed = null;
        Object.keys(by).sort().forEach(function (key) {
          allowed = allowed ? new Set(Array.from(allowed).filter(function (p) { return by[key].has(p); })) : by[key];
        });
        st.allowed = allowed || new Set();
      }
      return st;
    },

    // ----- ranking -----
    merge: function (t) {
      if (t.parts.length) return this.mergePhrase(t);
      // Accumulate per doc in scratch arrays indexed by doc id, variant after variant
      // (so each doc's tfs add up in variant order, as in the Swift engine), then read
      // the touched docs back in ascending order.
      var N = this.m.docCount, S = this.scratch || (this.scratch = { tf: new Float64Array(N * F), nm: new Uint8Array(N * F), seen: new Uint8Array(N) });
      var touched = [], i, f;
      t.variants.forEach(function (v) {
        var L = v.L;
        for (var k = 0; k < L.docs.length; k++) {
          var d = L.docs[k];
          if (!S.seen[d]) { S.seen[d] = 1; touched.push(d); }
          for (f = 0; f < F; f++) {
            var x = L.tfs[k * F + f];
            if (x > 0) { S.tf[d * F + f] = S.tf[d * F + f] + v.weight * x; S.nm[d * F + f] = L.norms[k * F + f]; }
          }
        }
      });
      touched = Int32Array.from(touched).sort();
      t.docs = touched; t.tf = new Float64Array(touched.length * F); t.norms = new Uint8Array(touched.length * F);
      for (i = 0; i < touched.length; i++) {
        var d = touched[i];
        for (f = 0; f < F; f++) {
          t.tf[i * F + f] = S.tf[d * F + f]; t.norms[i * F + f] = S.nm[d * F + f];
          S.tf[d * F + f] = 0; S.nm[d * F + f] = 0;
        }
        S.seen[d] = 0;
      }
    },
    posByDoc: function (variants, only) {
      var out = new Map(), self = this;
      variants.forEach(function (v) {
        var lists = self.positionLists(v.shard, v.term, v.L);
        v.L.docs.forEach(function (d, k) {
          if (only && !only.has(d)) return;
          var cur = out.get(d);
          if (!cur) out.set(d, cur = [[], [], [], [], []]);
          for (var f = 0; f < F; f++) cur[f].push.apply(cur[f], lists[k][f]);
        });
      });
      out.forEach(function (l) { l.forEach(function (x) { x.sort(function (a, b) { return a - b; }); }); });
      return out;
    },
    mergePhrase: function (t) {
      var cand = null, self = this;
      t.parts.forEach(function (p) {
        var s = new Set();
        p.variants.forEach(function (v) { v.L.docs.forEach(function (d) { s.add(d); }); });
        cand = cand ? new Set(Array.from(cand).filter(function (d) { return s.has(d); })) : s;
      });
      if (!cand || !cand.size) return;
      var per = t.parts.map(function (p) { return self.posByDoc(p.variants, cand); }), normOf = new Map();
      t.parts[0].variants.forEach(function (v) {
        v.L.docs.forEach(function (d, k) {
          if (!cand.has(d)) return;
          var n = normOf.get(d) || [0, 0, 0, 0, 0];
          for (var f = 0; f < F; f++) if (v.L.tfs[k * F + f] > 0) n[f] = v.L.norms[k * F + f];
          normOf.set(d, n);
        });
      });
      Array.from(cand).sort(function (a, b) { return a - b; }).forEach(function (d) {
        var tf = [0, 0, 0, 0, 0], norms = [0, 0, 0, 0, 0], any = false;
        for (var f = 0; f < F; f++) {
          var starts = per[0].get(d) ? per[0].get(d)[f] : null;
          if (!starts || !starts.length) continue;
          var count = 0;
          starts.forEach(function (s) {
            for (var pi = 1; pi < t.parts.length; pi++) {
              var ps = per[pi].get(d);
              if (!ps || bindex(ps[f], s + t.parts[pi].offset) < 0) return;
            }
            count++;
          });
          if (count > 0) { tf[f] = count; norms[f] = (normOf.get(d) || [0, 0, 0, 0, 0])[f]; any = true; }
        }
        if (any) { t.docs.push(d); t.tf.push.apply(t.tf, tf); t.norms.push.apply(t.norms, norms); }
      });
    },
    termScore: function (t, k, avg) {
      var r = this.m.r, W = this.m.weights, w = 0;
      for (var f = 0; f < F; f++) {
        var tf = t.tf[k * F + f];
        if (tf === 0) continue;
        var len = NORM[t.norms[k * F + f]];
        w = w + W[f] * tf / (1 - r.b + r.b * len / avg[f]);
      }
      return t.idf * (w * (r.k1 + 1) / (w + r.k1));
    },
    rank: function (st) {
      var N = this.m.docCount, r = this.m.r, self = this, i;
      if (!(N > 0) || !st.terms.length) return [];
      var avg = [1, 1, 1, 1, 1];
      for (var f = 0; f < F; f++) if (this.m.totals[f] > 0) avg[f] = this.m.totals[f] / N;
      var score = new Float64Array(N), matched = new Uint8Array(N), touched = [];
      // for the title tier: per doc, how many terms occur in the heading / title field,
      // and that field's length
      var inH = new Uint8Array(N), inT = new Uint8Array(N), hLen = new Int32Array(N), tLen = new Int32Array(N);
      st.terms.forEach(function (t) {
        self.merge(t);
        var df = t.docs.length;
        if (!df) return;
        t.idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        t.docs.forEach(function (d, k) {
          var s = self.termScore(t, k, avg);
          if (!matched[d]) touched.push(d);
          score[d] = score[d] + s;
          matched[d] = matched[d] + 1;
          if (t.tf[k * F + 1] > 0) { inH[d]++; hLen[d] = NORM[t.norms[k * F + 1]]; }
          if (t.tf[k * F] > 0) { inT[d]++; tLen[d] = NORM[t.norms[k * F]]; }
        });
      });
      var excluded = new Set();
      st.excl.forEach(function (e) { self.merge(e); e.docs.forEach(function (d) { excluded.add(d); }); });
      var meta = this.docMeta(), cands = [];
      Int32Array.from(touched).sort().forEach(function (d) {
        if (excluded.has(d) || (st.allowed && !st.allowed.has(meta.pageOf[d]))) return;
        cands.push(d);
      });
      var n = st.terms.length, fin = st.final = new Float64Array(N), all = new Uint8Array(N), title = new Uint8Array(N);
      st.prox = new Map();
      cands.forEach(function (d) {
        var m = matched[d], cov = 1 / (1 + r.coverage * (n - m)), boost = meta.boosts.has(d) ? meta.boosts.get(d) : 1;
        fin[d] = score[d] * cov * boost;
        if (r.tiers) {
          all[d] = m === n ? 1 : 0;
          // every term in the heading, which is (almost) only them; or, none in the
          // heading, every term in the title, and the doc is its page's first section
          title[d] = m === n && ((inH[d] === n && hLen[d] <= n + 1) ||
            (!inH[d] && inT[d] === n && tLen[d] <= n + 1 && meta.pageFirst[meta.pageOf[d]] === d)) ? 1 : 0;
        }
      });
      function before(a, b) {
        if (title[a] !== title[b]) return title[b] - title[a];
        if (all[a] !== all[b]) return all[b] - all[a];
        if (fin[a] !== fin[b]) return fin[a] > fin[b] ? -1 : 1;
        return a - b;
      }
      cands.sort(before);
      var words = [];
      st.terms.forEach(function (t, x) { if (!t.parts.length) words.push(x); });
      if (r.tiers && r.proximity > 0 && words.length >= 2) {
        var top = cands.slice(0, 200), topSet = new Set(top);
        var pos = words.map(function (w) { return self.posByDoc(st.terms[w].variants, topSet); });
        top.forEach(function (d) {
          var pairs = 0;
          for (var k = 0; k < words.length - 1; k++) {
            var gap = st.terms[words[k + 1]].pos - st.terms[words[k]].pos, a = pos[k].get(d), b = pos[k + 1].get(d);
            if (!a || !b) continue;
            var found = false;
            for (var f = 0; f < F && !found; f++) {
              for (i = 0; i < a[f].length; i++) if (bindex(b[f], a[f][i] + gap) >= 0) { found = true; break; }
            }
            if (found) pairs++;
          }
          var factor = 1 + r.proximity * pairs / (words.length - 1);
          st.prox.set(d, factor);
          fin[d] = fin[d] * factor;
        });
        top.sort(before);
        for (i = 0; i < top.length; i++) cands[i] = top[i];
      }
      return cands;
    },

    snippet: function (s, st, size) {
      var b = s.raw, toks = this.analyzer().tokens(null, true, b), words = [], matches = [];
      toks.forEach(function (t) { if (t.kind !== 1) words.push(t); });
      toks.forEach(function (t) {
        if (t.stop) return;
        if (st.hlTerms.has(t.term) || (t.kind !== 1 && st.hlStems.has(t.stem))) {
          var idx = 0;
          for (var x = 0; x < words.length; x++) if (words[x].start >= t.start) { idx = x; break; }
          matches.push({ start: t.start, end: t.end, key: t.stem, index: idx });
        }
      });
      var from = 0, to = b.length;
      if (words.length > size) {
        var best = 0, bd = -1, bc = -1;
        matches.forEach(function (m) {
          var sw = Math.max(0, Math.min(m.index - 3, words.length - size)), ew = sw + size, keys = new Set(), count = 0;
          matches.forEach(function (x) { if (x.index >= sw && x.index < ew) { keys.add(x.key); count++; } });
          if (keys.size > bd || (keys.size === bd && count > bc)) { bd = keys.size; bc = count; best = sw; }
        });
        from = best === 0 ? 0 : words[best].start;
        to = words[Math.min(words.length - 1, best + size - 1)].end;
      }
      var pre = from > 0 ? ELLIPSIS : NONE, out = concat(pre, b.subarray(from, to), to < b.length ? ELLIPSIS : NONE);
      var ranges = matches.filter(function (m) { return m.start >= from && m.end <= to; })
        .map(function (m) { return [m.start - from + pre.length, m.end - from + pre.length]; });
      ranges.sort(function (x, y) { return x[0] !== y[0] ? x[0] - y[0] : y[1] - x[1]; });
      var merged = [];
      ranges.forEach(function (x) {
        var l = merged[merged.length - 1];
        if (l && x[0] <= l[1]) l[1] = Math.max(l[1], x[1]); else merged.push(x.slice());
      });
      var u16 = u16offsets(out);
      return { text: td.decode(out), highlights: merged.map(function (x) { return [u16[x[0]], u16[x[1]]]; }) };
    },

    // Runs `fn` with every file it touches loaded: fetch what it asks for, retry.
    run: function (fn) {
      var self = this;
      function attempt() {
        try { return Promise.resolve(fn()); } catch (e) {
          if (e instanceof Need) return self.ensure([e.name]).then(attempt);
          return Promise.reject(e);
        }
      }
      return attempt();
    },
    ranked: function (query) {
      var self = this, parsed = parse(query);
      return this.open().then(function () { return self.ensure(self.plan(parsed)); }).then(function () {
        return self.run(function () { var st = self.prepare(parsed); return { st: st, list: self.rank(st) }; });
      });
    }
  };

  // ---------- public engine ----------
  function Engine(base, options) {
    options = options || {};
    base = base || '';
    if (base && base[base.length - 1] !== '/') base += '/';
    this.base = base;
    this.index = new Index(options.loader || defaultLoader(base));
  }
  Engine.prototype = {
    prefetch: function () { return this.index.open().then(function () { }); },
    rankDocuments: function (query, limit) {
      return this.index.ranked(query).then(function (x) {
        return x.list.slice(0, limit).map(function (d) { return { docID: d, score: x.st.final[d] }; });
      });
    },
    search: function (query, opts) {
      opts = opts || {};
      var ix = this.index, limit = opts.limit === undefined ? 10 : opts.limit, per = opts.sectionsPerPage || 3;
      var size = opts.snippetTokens || 28;
      return ix.ranked(query).then(function (x) {
        // pages in order of their best section; sections kept only for the pages shown
        var meta = ix.docMeta(), order = [], docsOf = new Map(), need = new Set(), seen = new Uint32Array(ix.m.pageCount);
        for (var i = 0; i < x.list.length; i++) {
          var d = x.list[i], p = meta.pageOf[d];
          if (!seen[p]++) { order.push(p); if (order.length <= limit) docsOf.set(p, []); }
          var l = docsOf.get(p);
          if (l && l.length < per) l.push(d);
        }
        var shown = order.slice(0, Math.max(0, limit));
        shown.forEach(function (p) { docsOf.get(p).forEach(function (d) { var c = ix.chunkIndex(d); if (c >= 0) need.add(ix.m.chunks[c].file.name); }); });
        if (opts.facetCounts) need.add(ix.m.facets.name);
        return ix.ensure(Array.from(need)).then(function () {
          var pages = shown.map(function (p) {
            var hits = docsOf.get(p).map(function (d) {
              var s = ix.section(d);
              if (!s) throw err.corrupt(ix.m.chunks.length ? ix.m.chunks[ix.m.chunks.length - 1].file.name : MANIFEST, 'document ' + d + ' missing from the doc store');
              return { docID: d, url: s.url, pageURL: s.pageURL, pageTitle: s.pageTitle, heading: s.heading, headingPath: s.headingPath,
                book: s.book, bookTitle: s.bookTitle, type: s.type, tags: s.tags, score: x.st.final[d],
                snippet: opts.snippets === false ? { text: '', highlights: [] } : ix.snippet(s, x.st, size) };
            });
            return { pageURL: hits[0].pageURL, pageTitle: hits[0].pageTitle, sections: hits };
          });
          var res = { query: query, pages: pages, totalSections: x.list.length, totalPages: order.length, corrections: x.st.corrections };
          if (opts.facetCounts) {
            var f = ix.facets(), counts = {};
            Object.keys(f).forEach(function (name) {
              counts[name] = {};
              Object.keys(f[name]).forEach(function (v) {
                var set = new Set(f[name][v]), c = 0;
                order.forEach(function (p) { if (set.has(p)) c++; });
                if (c) counts[name][v] = c;
              });
            });
            res.facets = counts;
          }
          return res;
        });
      });
    },
    // All facet values with their page counts over the whole index.
    facets: function () {
      var ix = this.index;
      return ix.open().then(function () { return ix.ensure([ix.m.facets.name]); }).then(function () { return ix.facets(); });
    },
    // A function that returns the UTF-16 ranges of `text` matching `query` (for
    // highlighting the words of a query on the page a result leads to).
    highlighter: function (query) {
      var ix = this.index;
      return ix.ranked(query).then(function (x) {
        var an = ix.analyzer(), st = x.st;
        return function (text) {
          var b = te.encode(text), u16 = null, out = [];
          an.tokens(null, true, b).forEach(function (t) {
            if (!t.stop && (st.hlTerms.has(t.term) || (t.kind !== 1 && st.hlStems.has(t.stem)))) {
              u16 = u16 || u16offsets(b);
              out.push([u16[t.start], u16[t.end]]);
            }
          });
          out.sort(function (p, q) { return p[0] - q[0] || q[1] - p[1]; });
          return out.filter(function (r, i) { return i === 0 || r[0] >= out[i - 1][1]; });
        };
      });
    },
    get loadedFiles() { return this.index.fetched.slice(); }
  };

  // ---------- loaders ----------
  var pendingScripts = {};
  function scriptLoad(base) {
    root.tomeSearchLoad = function (name, b64) {
      var p = pendingScripts[name];
      if (!p) return;
      delete pendingScripts[name];
      var s = atob(b64), u = new Uint8Array(s.length);
      for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
      p.resolve(u);
    };
    return function (name) {
      return new Promise(function (resolve, reject) {
        var el = document.createElement('script');
        pendingScripts[name] = { resolve: resolve };
        el.src = base + name + '.js';
        el.onload = function () { el.remove(); if (pendingScripts[name]) { delete pendingScripts[name]; reject(err.missing(name + '.js')); } };
        el.onerror = function () { el.remove(); delete pendingScripts[name]; reject((name === MANIFEST ? err.disk : err.missing)(name + '.js')); };
        document.head.appendChild(el);
      });
    };
  }
  function defaultLoader(base) {
    if (root.location && root.location.protocol === 'file:') return scriptLoad(base);
    return function (name) {
      return fetch(base + name).then(function (res) {
        if (!res.ok) throw err.missing(name);
        return res.arrayBuffer();
      }, function () { throw err.missing(name); }).then(function (buf) { return new Uint8Array(buf); });
    };
  }

  var api = {
    version: VERSION,
    analyzerId: ANALYZER,
    open: function (base, options) { return new Engine(base, options); },
    parse: parse,
    stem: function (word) { return unbstr(stem(utf8(word))); },
    Analyzer: function (spec) {
      var an = new Analyzer(spec);
      return {
        tokens: function (text, keepStop) {
          return an.tokens(text, keepStop).map(function (t) {
            return { term: unbstr(t.term), stem: unbstr(t.stem), position: t.pos, start: t.start, end: t.end,
              kind: ['word', 'whole', 'part'][t.kind], isStopWord: t.stop };
          });
        },
        fold: function (s) { return an.foldString(s); }
      };
    }
  };
  root.TomeSearch = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
