/// `GET /api/openapi.json`: the HTTP API, described for people and tools.
enum OpenAPIDocument {
    static func json(version: String) -> String {
        #"""
        {"openapi":"3.1.0",
         "info":{"title":"Tome knowledge base API","version":"\#(version)",
                 "description":"Search and read a Tome knowledge base. All responses are JSON; errors are {\"error\":{\"status\":N,\"message\":\"...\"}}."},
         "paths":{
          "/api/search":{"get":{"operationId":"search","summary":"Ranked sections grouped by page, with deep links and highlighted snippets (the same ranking as `tome search`).",
            "parameters":[
             {"name":"q","in":"query","required":true,"description":"Words, \"quoted phrases\", -excluded words, book:x tag:y type:faq filters. At most 1024 bytes.","schema":{"type":"string","minLength":1,"maxLength":1024}},
             {"name":"limit","in":"query","description":"Maximum number of pages.","schema":{"type":"integer","minimum":1,"maximum":100,"default":10}},
             {"name":"sections","in":"query","description":"Maximum sections per page.","schema":{"type":"integer","minimum":1,"maximum":20,"default":3}},
             {"name":"book","in":"query","description":"Only pages of this book (folder name).","schema":{"type":"string","maxLength":200}},
             {"name":"tag","in":"query","description":"Only pages with this tag.","schema":{"type":"string","maxLength":200}},
             {"name":"type","in":"query","description":"Only pages of this type (faq, lesson, release, page, ...).","schema":{"type":"string","maxLength":200}}],
            "responses":{"200":{"description":"Results","content":{"application/json":{"schema":{"$ref":"#/components/schemas/SearchResults"}}}},
                         "400":{"description":"Bad parameters","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}},
                         "503":{"description":"The site has no usable search index","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
          "/api/pages/{path}":{"get":{"operationId":"getPage","summary":"A page's metadata, revision line, sections and Markdown source.",
            "parameters":[{"name":"path","in":"path","required":true,"description":"The page's site path, e.g. support/faq (slashes allowed).","schema":{"type":"string"}}],
            "responses":{"200":{"description":"The page","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Page"}}}},
                         "400":{"description":"Not a page path","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}},
                         "404":{"description":"No such page","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
          "/api/health":{"get":{"operationId":"health","summary":"Whether the site and its index can be served.",
            "responses":{"200":{"description":"Healthy","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Health"}}}},
                         "503":{"description":"The site or its index is missing or corrupt","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
          "/api/openapi.json":{"get":{"operationId":"openapi","summary":"This document.","responses":{"200":{"description":"OpenAPI 3.1","content":{"application/json":{}}}}}}
         },
         "components":{"schemas":{
          "Error":{"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["status","message"],"properties":{"status":{"type":"integer"},"message":{"type":"string"}}}}},
          "Snippet":{"type":"object","required":["text","highlights"],"properties":{"text":{"type":"string"},
            "highlights":{"type":"array","description":"[start, end) UTF-16 offsets into text","items":{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":2}}}},
          "Section":{"type":"object","required":["url","heading","headingPath","score","snippet"],"properties":{"url":{"type":"string","description":"Deep link with the section's anchor"},
            "heading":{"type":"string"},"headingPath":{"type":"array","items":{"type":"string"}},"score":{"type":"number"},"snippet":{"$ref":"#/components/schemas/Snippet"}}},
          "PageResult":{"type":"object","required":["url","title","book","type","sections"],"properties":{"url":{"type":"string"},"title":{"type":"string"},"book":{"type":"string"},"type":{"type":"string"},
            "sections":{"type":"array","items":{"$ref":"#/components/schemas/Section"}}}},
          "SearchResults":{"type":"object","required":["query","totalPages","totalSections","corrections","results"],"properties":{"query":{"type":"string"},
            "totalPages":{"type":"integer"},"totalSections":{"type":"integer"},
            "corrections":{"type":"array","items":{"type":"object","properties":{"typed":{"type":"string"},"suggestion":{"type":"string"}}}},
            "results":{"type":"array","items":{"$ref":"#/components/schemas/PageResult"}}}},
          "Page":{"type":"object","required":["url","title","book","bookTitle","type","tags","revision","sections","markdown"],"properties":{"url":{"type":"string"},"title":{"type":"string"},
            "book":{"type":"string"},"bookTitle":{"type":"string"},"type":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
            "revision":{"type":"string","description":"e.g. Revision #6 · Created 24 May 2024 14:45 · Updated 13 January 2026 09:26"},
            "sections":{"type":"array","items":{"type":"object","properties":{"url":{"type":"string"},"heading":{"type":"string"},"headingPath":{"type":"array","items":{"type":"string"}}}}},
            "markdown":{"type":"string"}}},
          "Health":{"type":"object","required":["status","pages","sections","generation","version"],"properties":{"status":{"const":"ok"},"pages":{"type":"integer"},"sections":{"type":"integer"},
            "generation":{"type":"integer"},"version":{"type":"string"}}}
         }}}
        """#
    }
}
