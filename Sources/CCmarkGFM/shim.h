// The only C header Tome includes for Markdown. TomeMarkdown is its only importer.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
