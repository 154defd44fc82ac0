// The only C header Tome includes for libxml2. TomeHTML is its only importer.
//
// Debian builds libxml2 with ICU, and its headers then include ICU's, which clash
// with the ICU that Foundation bundles ("'UErrorCode' has different definitions in
// different modules"). Read the version header first, then switch the ICU part off
// before any other libxml2 header sees it. The only thing that disappears is the
// ICU-specific member of xmlCharEncodingHandler, which Tome never touches.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
