# Tome: the entry points a newcomer types.
#   make site    install what is missing, build tome (release) and build Content/ into Public/
#   make test    install what is missing and run every test
#   make serve   build tome, then build, watch and serve Content/ on http://127.0.0.1:8080 (live reload)
#   make bench   benchmarks against the peers (see Benchmarks/)
#   make fuzz    libFuzzer targets, FUZZ_SECONDS each (see Tests/Fuzz/)
#   make crash-test  kill tome build at random moments; the output is always a complete site

SWIFT      ?= swift
TOME       := .build/release/tome
RELEASE    := -c release --static-swift-stdlib
APT_DEPS   := libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev zlib1g-dev libdeflate-dev libmimalloc-dev pkg-config
THEME_SWIFT := Sources/TomeBuild/Theme/DefaultTheme+Files.swift

.PHONY: site test deps theme release serve bench eval clean fuzz crash-test

site: deps theme release
	$(TOME) build --content Content --templates Templates --output Public --links file
	@echo ""
	@echo "Open Public/index.html in a browser (it works from disk, search included), or serve the"
	@echo "folder with any static web server:  python3 -m http.server --directory Public 8080"
	@echo "For web hosting with clean URLs, build with:  $(TOME) build --base-url https://your.host/"

# Authors' preview: rebuilds on every save and reloads open pages (Ctrl-C to stop).
serve: deps theme release
	$(TOME) serve --content Content --templates Templates --output Public

test: deps theme
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@command -v node >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && apt-get install -y -qq nodejs >/dev/null; } || { echo "Node.js is needed for the browser engine tests: sudo apt-get install -y nodejs"; exit 1; }
	node --test Tests/JS/
	@$(MAKE) --no-print-directory browser-deps
	TOME=.build/debug/tome python3 -m pytest Tests/Browser -q

# Swift's runtime and Foundation linked in (--static-swift-stdlib): `tome --version` takes
# 4.6-6.4 ms of CPU instead of 8.7-9.8, and a no-op rebuild of the C++ corpus 72-77 ms
# instead of 82-86 (perf stat, 20 runs each, alternated three times, load 5).
# tome-mcp keeps Swift's runtime shared: the MCP SDK's FoundationNetworking needs libcurl,
# which links statically only with libcurl's development files (not installed), and this
# process starts once per MCP session.
release: deps theme
	$(SWIFT) build $(RELEASE) --product tome
	$(SWIFT) build -c release --product tome-mcp

# System libraries: installed with apt-get when running as root, otherwise the exact
# command is printed.
deps:
	@missing=""; for p in $(APT_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing)) || exit 1; \
	  else \
	    echo "Missing system packages. Run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# Real-browser tests (Tests/Browser): Debian's chromium + chromium-driver (apt-get when
# root, otherwise the exact command is printed) and PyPI selenium/pytest when missing.
.PHONY: browser-deps
browser-deps:
	@missing=""; for p in chromium chromium-driver; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing)) || exit 1; \
	  else \
	    echo "Missing system packages for the browser tests. Run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@python3 -c 'import selenium' 2>/dev/null || { echo "Installing PyPI selenium"; python3 -m pip install -q selenium || python3 -m pip install -q --break-system-packages selenium; }
	@python3 -c 'import pytest' 2>/dev/null || { echo "Installing PyPI pytest"; python3 -m pip install -q pytest || python3 -m pip install -q --break-system-packages pytest; }

# The default theme ships inside the binary: regenerate its embedded copy from Templates/.
theme:
	@python3 Sources/TomeBuild/Theme/embed-templates.py

bench: release
	Benchmarks/run.sh

eval: release
	Benchmarks/eval-peers.sh

# Fuzzing: each target for FUZZ_SECONDS (default 120) with -sanitize=fuzzer,address.
fuzz: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-120} Tests/Fuzz/run.sh

# SIGKILL `tome build` at random moments, 50 trials on the sample and on a corpus slice.
crash-test: release
	Benchmarks/crash-test.sh $${TRIALS:-50}

clean:
	rm -rf .build Public
