#!/usr/bin/env python3
"""Extracts the vendored parity slice (cpp-slice.jsonl) from ../shared/data/corpus-cpp-docs.

Every 65th Markdown page (sorted by path, skipping `includes/`), under 40 KB, up to 150
pages; markup stripped crudely; one JSON object per section (heading-level split), in
the shape of TomeSearch.SearchDocument. Usage (from the repository root):
    python3 Tests/TomeSearchTests/Data/parity/make-cpp-slice.py ../shared/data/corpus-cpp-docs
"""
import json, os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/corpus-cpp-docs"
docs = os.path.join(root, "docs")
paths = sorted(os.path.relpath(os.path.join(d, f), docs) for d, _, fs in os.walk(docs) for f in fs if f.endswith(".md"))
paths = [p for p in paths if "/includes/" not in p and not p.startswith("includes/")]
picked = [p for i, p in enumerate(paths) if i % 65 == 0 and os.path.getsize(os.path.join(docs, p)) < 40000][:150]

def inline(s):
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[!INCLUDE[^\]]*\]\([^)]*\)\]?", "", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"[*_`]+", "", s)
    s = s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return s

def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")

out = []
for p in picked:
    text = open(os.path.join(docs, p), encoding="utf-8").read()
    title, tags = p, []
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if m:
        fm = m.group(1)
        text = text[m.end():]
        t = re.search(r'^title:\s*"?(.*?)"?\s*$', fm, re.M)
        if t:
            title = t.group(1)
        k = re.search(r"^helpviewer_keywords:\s*\[(.*)\]", fm, re.M)
        if k:
            tags = [x.strip().strip('"') for x in k.group(1).split('",')][:4]
            tags = [x.strip('"').strip() for x in tags if x.strip('"').strip()]
    book = p.split("/")[0]
    page_url = "/" + p[:-3] + "/"
    sections = [{"heading": "", "path": [], "lines": []}]
    stack = []
    in_code = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
            continue
        h = None if in_code else re.match(r"^(#{1,4})\s+(.*)$", line)
        if h:
            level, head = len(h.group(1)), inline(h.group(2)).strip()
            if level == 1:
                if not sections[-1]["lines"] and sections[-1]["heading"] == "":
                    continue
            stack = [x for x in stack if x[0] < level]
            sections.append({"heading": head, "path": [x[1] for x in stack if x[0] > 1], "lines": []})
            stack.append((level, head))
            continue
        if not in_code and re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue
        sections[-1]["lines"].append(inline(line.replace("|", " ")))
    seen = set()
    for s in sections:
        body = re.sub(r"\s+", " ", " ".join(s["lines"])).strip()[:700]
        if not body and not s["heading"]:
            continue
        anchor = slug(s["heading"])
        while anchor in seen:
            anchor += "-1"
        seen.add(anchor)
        out.append({"url": page_url + ("#" + anchor if s["heading"] else ""), "pageURL": page_url, "pageTitle": title,
                    "heading": s["heading"], "headingPath": s["path"], "text": body, "tags": tags, "book": book,
                    "bookTitle": book.replace("-", " ").title(), "type": "reference" if "reference" in p else "page"})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpp-slice.jsonl"), "w", encoding="utf-8") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n")
print(len(picked), "pages,", len(out), "sections")
