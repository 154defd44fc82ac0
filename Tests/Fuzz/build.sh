#!/bin/sh
# Builds the libFuzzer targets into .build-fuzz/bin by compiling the modules' sources
# directly with swiftc (-sanitize=fuzzer,address), one module at a time, each harness
# compiled into the module it tests (so it can reach internal entry points):
#
#   fuzz-frontmatter  TomeCore, CYaml + Yams, TomeSite  + FrontMatterFuzz.swift
#   fuzz-markdown     TomeCore, TomeHTML, TomeMarkdown  + MarkdownFuzz.swift
#   fuzz-query        TomeSearch                        + QueryFuzz.swift, FuzzCorpus.swift
#   fuzz-index        TomeSearch                        + IndexFuzz.swift, FuzzCorpus.swift
#
# Usage: Tests/Fuzz/build.sh [target ...]   (default: all four)
# Yams comes from any SwiftPM checkout (.build*/checkouts/Yams) or $YAMS.
set -eu
cd "$(dirname "$0")/../.."
OUT=.build-fuzz
mkdir -p "$OUT/obj" "$OUT/bin"
YAMS=${YAMS:-$(ls -d .build*/checkouts/Yams .build*/*/checkouts/Yams 2>/dev/null | head -1)}
[ -n "$YAMS" ] || { echo "Yams checkout not found: run 'swift package resolve' first or set YAMS=path"; exit 1; }
SAN="-sanitize=fuzzer,address"
SWIFTC="swiftc -O -g -parse-as-library -swift-version 6 -DSWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC $SAN -I $OUT/obj -I Sources/CCmarkGFM -I Sources/CLibXML2 -I Sources/CZlib -I Sources/CLibDeflate -I $YAMS/Sources/CYaml/include -Xcc -I/usr/include/libxml2"

module() { # name, sources...
  name=$1; shift
  # Up to date when the object is newer than every source (FUZZ_REBUILD=1 forces a build).
  if [ -z "${FUZZ_REBUILD:-}" ] && [ -f "$OUT/obj/$name.o" ] && [ -z "$(find "$@" -newer "$OUT/obj/$name.o" 2>/dev/null)" ]; then
    echo "  up to date: $name"; return
  fi
  echo "  swiftc $name"
  $SWIFTC -module-name "$name" -emit-module -emit-module-path "$OUT/obj/$name.swiftmodule" -wmo -c "$@" -o "$OUT/obj/$name.o"
}

TARGETS=${*:-frontmatter markdown query index}
link() { # target, objects...
  target=$1; shift
  echo "  link $target"
  # gold warns once for each ASan helper symbol that it cannot export (harmless, about
  # 170 lines): show everything else.
  if ! swiftc $SAN "$@" -o "$OUT/bin/$target" 2>"$OUT/link-$target.log"; then cat "$OUT/link-$target.log" >&2; exit 1; fi
  grep -v "Cannot export local symbol" "$OUT/link-$target.log" >&2 || true
}

echo "building fuzz targets into $OUT/bin: $TARGETS"
case " $TARGETS " in *" frontmatter "*|*" markdown "*) module TomeCore Sources/TomeCore/*.swift;; esac
for t in $TARGETS; do
  case $t in
  frontmatter)
    for c in "$YAMS"/Sources/CYaml/src/*.c; do
      o="$OUT/obj/cyaml-$(basename "$c" .c).o"
      [ -f "$o" ] || clang -O1 -g -DYAML_DECLARE_STATIC -fsanitize=fuzzer-no-link,address -I "$YAMS/Sources/CYaml/include" -c "$c" -o "$o"
    done
    module Yams "$YAMS"/Sources/Yams/*.swift
    module TomeSiteFuzz Sources/TomeSite/*.swift Tests/Fuzz/FrontMatterFuzz.swift
    link fuzz-frontmatter "$OUT/obj/TomeCore.o" "$OUT"/obj/cyaml-*.o "$OUT/obj/Yams.o" "$OUT/obj/TomeSiteFuzz.o" -lFoundation;;
  markdown)
    module TomeHTML Sources/TomeHTML/*.swift
    module TomeMarkdownFuzz Sources/TomeMarkdown/*.swift Tests/Fuzz/MarkdownFuzz.swift
    link fuzz-markdown "$OUT/obj/TomeCore.o" "$OUT/obj/TomeHTML.o" "$OUT/obj/TomeMarkdownFuzz.o" -lcmark-gfm -lcmark-gfm-extensions -lxml2;;
  query|index)
    cap=$(echo "$t" | sed 's/^./\U&/')
    module "TomeSearch${cap}Fuzz" $(find Sources/TomeSearch -name '*.swift' | sort) Tests/Fuzz/FuzzCorpus.swift "Tests/Fuzz/${cap}Fuzz.swift"
    link "fuzz-$t" "$OUT/obj/TomeSearch${cap}Fuzz.o" -lz -ldeflate;;
  *) echo "unknown fuzz target $t (frontmatter markdown query index)"; exit 64;;
  esac
done
echo "built: $(ls "$OUT/bin" | tr '\n' ' ')"
