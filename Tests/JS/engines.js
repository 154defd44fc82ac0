// The two copies of the browser engine the tests run: the readable source in the repo
// and the copy `tome build` ships (embedded in BrowserEngine+Source.swift by
// `make theme`, comments and indentation stripped by embed-templates.py).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '../..');
const SOURCE = path.join(ROOT, 'Sources/TomeSearch/Browser/tome-search.js');
const EMBEDDED = path.join(ROOT, 'Sources/TomeSearch/Browser/BrowserEngine+Source.swift');

// The text of the Swift raw string literal `source: String = #"""…"""#`.
function shippedText() {
  const swift = fs.readFileSync(EMBEDDED, 'utf8');
  const m = /public static let source: String = (#+)"""\n([\s\S]*?)\n"""\1\n/.exec(swift);
  if (!m) throw new Error('no engine literal in ' + EMBEDDED);
  return m[2];
}

function loadShipped() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tome-engine-'));
  const file = path.join(dir, 'tome-search.js');
  fs.writeFileSync(file, shippedText());
  return require(file);
}

module.exports = { SOURCE, EMBEDDED, shippedText, engines: { source: require(SOURCE), shipped: loadShipped() } };
