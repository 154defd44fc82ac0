// Browser engine unit tests: analyzer (same tables as AnalyzerTests.swift), the Porter2
// stemmer on the vendored Snowball vocabulary, query parsing, and corrupt, foreign,
// truncated or version-skewed indexes. Run: node --test Tests/JS/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const TomeSearch = require('../../Sources/TomeSearch/Browser/tome-search.js');

const DATA = path.join(__dirname, '../TomeSearchTests/Data');
const INDEX = path.join(DATA, 'parity/support/index');
const analyzerFile = fs.readdirSync(INDEX).find((f) => f.startsWith('a-'));
// the engine's analyzer, its byte-string terms decoded and kinds named
const engineAnalyzer = TomeSearch.Analyzer(JSON.parse(fs.readFileSync(path.join(INDEX, analyzerFile), 'utf8')));
const text = (b) => Buffer.from(b, 'latin1').toString('utf8');
const analyzer = {
  tokens: (s, keepStop) => engineAnalyzer.tokens(s, keepStop).map((t) => ({ term: text(t.term), stem: text(t.stem), position: t.pos,
    start: t.start, end: t.end, kind: ['word', 'whole', 'part'][t.kind], isStopWord: t.stop })),
};
const terms = (s) => analyzer.tokens(s).map((t) => t.term);

test('every word of the Snowball vocabulary stems as the reference does', () => {
  const lines = fs.readFileSync(path.join(DATA, 'stemmer-vocabulary.tsv'), 'utf8').split('\n').filter(Boolean);
  assert.ok(lines.length > 50000);
  const wrong = [];
  for (const line of lines) {
    const [word, stem] = line.split('\t');
    if (TomeSearch.stem(word) !== stem) wrong.push(`${word}: ${TomeSearch.stem(word)} (expected ${stem})`);
  }
  assert.deepStrictEqual(wrong.slice(0, 10), []);
});

for (const [input, expected] of [
  ['Hello World', ['hello', 'world']],
  ['Crème Brûlée', ['creme', 'brulee']],
  ['STRASSE straße', ['strasse', 'strasse']],
  ['Ｆｕｌｌｗｉｄｔｈ', ['fullwidth']],
  ['ﬁle', ['file']],
  ['Łódź Øre', ['lodz', 'ore']],
  ['support@ops-com.com', ['support@ops-com.com', 'support', 'ops', 'com', 'com']],
  ['version 2.4.1.', ['version', '2.4.1', '2', '4', '1']],
  ['LPR-200 camera', ['lpr-200', 'lpr', '200', 'camera']],
  ['the cat and the hat', ['cat', 'hat']],
  ['--flag -- x', ['flag', 'x']],
  ['Ελληνικά ΣΟΦΙΑ', ['ελληνικά', 'σοφια']], // no decomposition outside the Latin table, as in Swift,
  ['naïve café', ['naive', 'cafe']],
]) {
  test(`tokenizes ${JSON.stringify(input)}`, () => assert.deepStrictEqual(terms(input), expected));
}

test('compound positions, kinds and byte offsets', () => {
  const t = analyzer.tokens('call LPR-200 now');
  assert.deepStrictEqual(t.map((x) => x.position), [0, 1, 1, 2, 3]);
  assert.deepStrictEqual(t.map((x) => x.kind), ['word', 'whole', 'part', 'part', 'word']);
  assert.strictEqual(t[1].start, 5);
  assert.strictEqual(t[1].end, 12);
  assert.deepStrictEqual(analyzer.tokens('the after hours').map((x) => x.position), [1, 2]);
  assert.deepStrictEqual(analyzer.tokens('running licences 2.4.1 hours').map((x) => x.stem), ['run', 'licenc', '2.4.1', '2', '4', '1', 'hour']);
});

test('query parser: words, phrases, exclusions, filters, trailing space', () => {
  const q = TomeSearch.parse('refund "working days" -bank book:billing tag:"a b" ');
  assert.deepStrictEqual(q.items, [{ phrase: false, text: 'refund' }, { phrase: true, text: 'working days' }]);
  assert.deepStrictEqual(q.excluded, [{ phrase: false, text: 'bank' }]);
  assert.deepStrictEqual(q.filters, [{ facet: 'book', value: 'billing' }, { facet: 'tag', value: 'a b' }]);
  assert.strictEqual(q.endsWithSpace, true);
  assert.strictEqual(TomeSearch.parse('x-y --z http://a').items.length, 3);
});

// ---- corrupt indexes ----
const files = Object.fromEntries(fs.readdirSync(INDEX).map((f) => [f, new Uint8Array(fs.readFileSync(path.join(INDEX, f)))]));
function engineWith(change) {
  const copy = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice()]));
  change(copy);
  return TomeSearch.open('', { loader: async (name) => copy[name] || null });
}
const manifestText = new TextDecoder().decode(files['manifest.json']);
const setManifest = (text) => (c) => { c['manifest.json'] = new TextEncoder().encode(text); };
const shardName = Object.keys(files).find((f) => f.startsWith('t-'));

for (const [what, change, message] of [
  ['missing manifest', (c) => { delete c['manifest.json']; }, /manifest\.json: search index file is missing/],
  ['not JSON', setManifest('<html>404</html>'), /manifest\.json: search index file is corrupt \(invalid JSON/],
  ['foreign JSON', setManifest('{"name":"pagefind"}'), /manifest\.json: not a Tome search index manifest/],
  ['newer version', setManifest(manifestText.replace('"version":5', '"version":6')), /manifest\.json: search index format version 6, this engine reads version 5/],
  ['v4 index', setManifest(manifestText.replace('"version":5', '"version":4')), /manifest\.json: search index format version 4, this engine reads version 5/],
  ['bad norms name', setManifest(manifestText.replace(/"name":"n-/, '"name":"../n-')), /missing or invalid 'norms'/],
  ['other analyzer', setManifest(manifestText.replace('tome-en-1+porter2', 'tome-en-2')), /analyzer 'tome-en-2'/],
  ['bad file name', setManifest(manifestText.replace(/"name":"m-/, '"name":"../m-')), /missing or invalid 'docMeta'/],
  ['flipped byte', (c) => { c[shardName][20] ^= 0xff; }, new RegExp(shardName + ': search index file does not match its checksum')],
  ['truncated file', (c) => { c[shardName] = c[shardName].slice(0, 10); }, new RegExp(shardName + ': .*checksum')],
  ['missing shard', (c) => { for (const k of Object.keys(c)) if (k.startsWith('t-')) delete c[k]; }, /t-[0-9a-f]+\.bin: search index file is missing/],
]) {
  test(`corrupt index: ${what} gives a clear error naming the file`, async () => {
    const engine = engineWith(change);
    await assert.rejects(async () => {
      await engine.search('refund ');
      await engine.search('after hours');
      await engine.search('lpr camera');
    }, (e) => { assert.match(e.message, message); assert.match(e.message, /rebuild the index with `tome build`/); return true; });
  });
}

test('bad bytes under a matching checksum are reported as corrupt, never a crash', async () => {
  const { crc32 } = require('node:zlib');
  if (!crc32) return; // node < 20.15
  const engine = engineWith((c) => {
    const bad = c[shardName];
    bad.fill(0xff, 5);
    const m = JSON.parse(manifestText);
    for (const s of m.shards) if (s.terms.name === shardName) s.terms.crc32 = crc32(bad);
    c['manifest.json'] = new TextEncoder().encode(JSON.stringify(m));
  });
  await assert.rejects(async () => {
    for (const q of 'abcdefghijklmnopqrstuvwxyz0123456789~') await engine.search(q);
  }, (e) => { assert.match(e.message, new RegExp(shardName + ': search index file is corrupt')); return true; });
});

test('garbage inside valid gzip under a matching checksum is reported as corrupt', async () => {
  const { crc32, gzipSync, gunzipSync } = require('node:zlib');
  if (!crc32) return; // node < 20.15
  const engine = engineWith((c) => {
    const inner = gunzipSync(c[shardName]);
    inner.fill(0xff, 5);
    const bad = new Uint8Array(gzipSync(inner));
    c[shardName] = bad;
    const m = JSON.parse(manifestText);
    for (const s of m.shards) if (s.terms.name === shardName) { s.terms.crc32 = crc32(bad); s.terms.bytes = bad.length; }
    c['manifest.json'] = new TextEncoder().encode(JSON.stringify(m));
  });
  await assert.rejects(async () => {
    for (const q of 'abcdefghijklmnopqrstuvwxyz0123456789~') await engine.search(q);
  }, (e) => { assert.match(e.message, new RegExp(shardName + ': search index file is corrupt')); return true; });
});

test('fetches only what a query needs, once', async () => {
  const seen = [];
  const engine = TomeSearch.open('', { loader: async (n) => { seen.push(n); return files[n] || null; } });
  await engine.prefetch();
  assert.strictEqual(seen.length, 3); // manifest, analyzer, doc meta
  await engine.search('refund ');
  const after = seen.length;
  assert.ok(after <= 7, `loaded ${seen}`);
  // the postings carry the norms the browser needs: it never fetches the norms file
  for (const q of ['after hours', '"working days"', 'refnud ', 'lpr camera']) await engine.search(q);
  assert.ok(!seen.some((n) => n.startsWith('n-')), `loaded ${seen}`);
  const loaded = seen.length;
  await engine.search('refund ');
  assert.strictEqual(seen.length, loaded);
  assert.strictEqual(new Set(seen).size, seen.length);
});

// Doc store records by HTTP Range (a loader with `ranges`): the same answers as from
// whole files, from a host that honours Range or one that sends the whole file.
const rangeLoader = (store, ranged, honour = true) => Object.assign(async (name, b) => {
  const f = store[name];
  if (f && b && honour) { ranged.push(name); return f.slice(b.off, b.off + b.len); }
  return f || null;
}, { ranges: true });

test('doc store records by Range give the same answers, fetching only records', async () => {
  const plain = TomeSearch.open('', { loader: async (n) => files[n] || null });
  const ranged = [], ignored = [];
  const viaRange = TomeSearch.open('', { loader: rangeLoader(files, ranged) });
  const noRange = TomeSearch.open('', { loader: rangeLoader(files, ignored, false) });
  for (const q of ['refund', 'after hours', 'lpr camera', 'permit', 'book:billing refund']) {
    const want = await plain.search(q, { limit: 8 });
    assert.deepStrictEqual(await viaRange.search(q, { limit: 8 }), want, q);
    assert.deepStrictEqual(await noRange.search(q, { limit: 8 }), want, q);
  }
  assert.ok(ranged.length > 0 && ranged.every((n) => n.startsWith('d-')));
  assert.strictEqual(ignored.length, 0);
});

test('a damaged doc store record fetched by Range is reported as corrupt, naming its file', async () => {
  const store = Object.keys(files).find((f) => f.startsWith('d-'));
  const copy = { ...files, [store]: files[store].map((x, i) => (i % 40 === 7 ? x ^ 0x5a : x)) };
  const engine = TomeSearch.open('', { loader: rangeLoader(copy, []) });
  await assert.rejects(async () => {
    for (const q of ['refund', 'after hours', 'lpr camera', 'permit', 'password', 'citation', 'visitor']) await engine.search(q);
  }, (e) => { assert.match(e.message, new RegExp(store + ': search index file is corrupt')); return true; });
});

test('highlighter marks the words of a query (UTF-16 ranges)', async () => {
  const engine = TomeSearch.open('', { loader: async (n) => files[n] || null });
  const mark = await engine.highlighter('refunds café');
  assert.deepStrictEqual(mark('Café refund: Refunding'), [[0, 4], [5, 11], [13, 22]]); // stems match too
});

// The shipped copy is the stripped source, it parses, and it is no larger than the
// budget (12 KB gzip is the target; this guards against growth).
test('the shipped engine is the stripped source and parses', () => {
  const { SOURCE, shippedText } = require('./engines.js');
  const { execFileSync } = require('node:child_process');
  const zlib = require('node:zlib');
  const script = path.join(__dirname, '../../Sources/TomeBuild/Theme/embed-templates.py');
  const stripped = execFileSync('python3', [script, '--strip', SOURCE], { encoding: 'utf8' });
  assert.strictEqual(shippedText(), stripped, 'BrowserEngine+Source.swift is stale: run `make theme`');
  new Function(stripped); // a syntax error throws here
  const gz = zlib.gzipSync(Buffer.from(stripped), { level: 9 }).length;
  assert.ok(gz < zlib.gzipSync(fs.readFileSync(SOURCE), { level: 9 }).length, `stripped engine ${gz} bytes gzip`);
});
