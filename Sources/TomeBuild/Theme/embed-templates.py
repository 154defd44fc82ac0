#!/usr/bin/env python3
"""Embeds text files that ship inside the tome binary.

1. The default theme: Templates/ -> Sources/TomeBuild/Theme/DefaultTheme+Files.swift,
   a dictionary from each file's path under Templates/ to its text.
2. The browser search engine: Sources/TomeSearch/Browser/tome-search.js ->
   Sources/TomeSearch/Browser/BrowserEngine+Source.swift, with comments and
   indentation stripped (`strip_js`; `python3 embed-templates.py --strip FILE` prints
   the stripped form of FILE, for the tests).

Both as raw string literals. Run by `make theme` (and by `make site`/`make test`
before building); tests fail when a generated file is out of date.
"""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[3]
templates = root / "Templates"
target = pathlib.Path(__file__).resolve().parent / "DefaultTheme+Files.swift"

TEXT_SUFFIXES = {".mustache", ".css", ".js", ".svg", ".txt"}


def literal(text: str) -> str:
    hashes = "#"
    while ('"""' + hashes) in text or ('"' + hashes) in text:
        hashes += "#"
    return f'{hashes}"""\n{text}\n"""{hashes}'


def write_if_changed(path: pathlib.Path, content: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")


WORD = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
# After these (or at the start) a `/` starts a regular expression, elsewhere a division.
REGEX_AFTER_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof"}
SAFE = set("()[]{},;'\"")


class StripError(Exception):
    pass


def js_tokens(text: str):
    """Splits ES2017 source into (token, gap) pairs (gap: 0 when the token touches the
    one before, 1 after spaces or comments, 2 after a line break), dropping comments and
    whitespace. Strings, regular expressions and every other token keep their exact
    characters. Template literals are refused (the engine has none)."""
    i, n, out, newline, prev = 0, len(text), [], 0, None
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            newline = max(newline, 2 if c == "\n" else 1)
            i += 1
        elif text.startswith("//", i):
            newline = max(newline, 1)
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise StripError("unterminated comment")
            newline = max(newline, 2 if "\n" in text[i:end] else 1)
            i = end + 2
        elif c == "`":
            raise StripError("template literal at offset %d" % i)
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\n":
                    raise StripError("line break in a string at offset %d" % i)
                j += 2 if text[j] == "\\" else 1
            out.append((text[i:j + 1], newline)); newline = 0; prev = text[i:j + 1]; i = j + 1
        elif c == "/" and (prev is None or prev in REGEX_AFTER_WORDS or (prev[-1] not in WORD and prev[-1] not in ")]}\"'")):
            j, cls = i + 1, False
            while j < n and (cls or text[j] != "/"):
                if text[j] == "\n":
                    raise StripError("line break in a regular expression at offset %d" % i)
                if text[j] == "\\":
                    j += 1
                elif text[j] == "[":
                    cls = True
                elif text[j] == "]":
                    cls = False
                j += 1
            j += 1
            while j < n and text[j] in WORD:
                j += 1
            out.append(("/re/" + text[i:j], newline)); newline = 0; prev = "/"; i = j
        elif c in WORD or c == ".":
            j = i + 1
            if c == "." and not (j < n and text[j].isdigit()):
                tok = "."
            else:
                while j < n and (text[j] in WORD or (text[j] == "." and text[i].isdigit())):
                    j += 1
                tok = text[i:j]
            out.append((tok, newline)); newline = 0; prev = tok; i += len(tok)
        else:
            out.append((c, newline)); newline = 0; prev = c; i += 1
    return out


def strip_js(text: str) -> str:
    """The engine as shipped: the same tokens in the same order, comments and
    indentation gone. Safe by construction: a line break stays wherever the source had
    one between two tokens (so automatic semicolon insertion and `return`-newline rules
    see the same lines), and a space stays between two tokens that would otherwise
    join (two words, a number and a dot, a regular expression and a word, two
    operator characters). Tests/JS runs the parity suite against this copy."""
    out = []
    prev = None
    for tok, newline in js_tokens(text):
        is_re = tok.startswith("/re/")
        body = tok[4:] if is_re else tok
        if prev is not None:
            if newline == 2:
                out.append("\n")
            elif newline == 1:
                a, b = prev[-1], body[0]
                if (a in WORD and b in WORD) or (a in WORD and b == ".") or (a not in WORD and b not in WORD
                                                                           and a not in SAFE and b not in SAFE):
                    out.append(" ")
        out.append(body)
        prev = body
    return "".join(out) + "\n"


def embed_browser_engine() -> None:
    source = root / "Sources" / "TomeSearch" / "Browser" / "tome-search.js"
    if not source.exists():
        return
    text = strip_js(source.read_text(encoding="utf-8"))
    content = "\n".join([
        "// Generated by Sources/TomeBuild/Theme/embed-templates.py from tome-search.js. Do not edit; run `make theme`.",
        "",
        "/// The browser search engine, written next to the index as `tome-search.js`.",
        "public enum BrowserEngine {",
        "    public static let fileName = \"tome-search.js\"",
        f"    public static let source: String = {literal(text)}",
        "}",
        "",
    ])
    write_if_changed(source.with_name("BrowserEngine+Source.swift"), content)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--strip":
        sys.stdout.write(strip_js(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8")))
        return 0
    embed_browser_engine()
    files = sorted(p for p in templates.rglob("*") if p.is_file() and not p.name.startswith("."))
    out = [
        "// Generated by embed-templates.py from Templates/. Do not edit; run `make theme`.",
        "",
        "enum DefaultTheme {",
        "    static let files: [String: String] = [",
    ]
    for path in files:
        if path.suffix not in TEXT_SUFFIXES:
            print(f"skipping non-text theme file {path}", file=sys.stderr)
            continue
        text = path.read_text(encoding="utf-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        name = path.relative_to(templates).as_posix()
        out.append(f'        "{name}": {literal(text)},')
    out += ["    ]", "}", ""]
    write_if_changed(target, "\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
