// Parity: the browser engine must answer every golden query exactly as the Swift
// engine recorded it (Tests/TomeSearchTests/ParityVectorTests.swift).
// Run: node --test Tests/JS/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { engines } = require('./engines.js');

const DATA = path.join(__dirname, '../TomeSearchTests/Data/parity');
const fileLoader = (dir) => async (name) => {
  try { return new Uint8Array(fs.readFileSync(path.join(dir, name))); } catch { return null; }
};
const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

for (const [which, TomeSearch] of Object.entries(engines)) for (const set of ['support', 'cpp']) {
  test(`parity: ${set} (${which} engine)`, async (t) => {
    const vectors = JSON.parse(fs.readFileSync(path.join(DATA, set, 'vectors.json'), 'utf8'));
    const engine = TomeSearch.open('', { loader: fileLoader(path.join(DATA, set, 'index')) });
    let failed = 0;
    for (const v of vectors.queries) {
      const where = `${set}: query ${JSON.stringify(v.q)}`;
      try {
        const r = await engine.search(v.q, { limit: 5 });
        const ranked = await engine.rankDocuments(v.q, 25);
        assert.strictEqual(r.totalSections, v.totalSections, `${where}: totalSections`);
        assert.strictEqual(r.totalPages, v.totalPages, `${where}: totalPages`);
        assert.deepStrictEqual(r.corrections.map((c) => [c.typed, c.suggestion]), v.corrections, `${where}: corrections`);
        assert.deepStrictEqual(ranked.map((x) => x.docID), v.ranked.map((x) => x[0]), `${where}: ranked docs`);
        ranked.forEach((x, i) => assert.ok(close(x.score, v.ranked[i][1]), `${where}: score of doc ${x.docID}: ${x.score} vs ${v.ranked[i][1]}`));
        assert.deepStrictEqual(r.pages.map((p) => p.pageURL), v.pages.map((p) => p.pageURL), `${where}: pages`);
        r.pages.forEach((p, i) => {
          const e = v.pages[i].sections;
          assert.deepStrictEqual(p.sections.map((s) => s.url), e.map((s) => s.url), `${where}: sections of ${p.pageURL}`);
          p.sections.forEach((s, k) => {
            assert.strictEqual(s.docID, e[k].docID);
            assert.ok(close(s.score, e[k].score), `${where}: score of ${s.url}: ${s.score} vs ${e[k].score}`);
            assert.strictEqual(s.snippet.text, e[k].snippet, `${where}: snippet of ${s.url}`);
            assert.deepStrictEqual(s.snippet.highlights, e[k].highlights, `${where}: highlights of ${s.url}`);
          });
        });
      } catch (e) {
        failed++;
        if (failed <= 15) t.diagnostic(e.message.split('\n')[0]);
      }
    }
    assert.strictEqual(failed, 0, `${failed} of ${vectors.queries.length} ${set} queries differ from the Swift engine`);
  });
}
