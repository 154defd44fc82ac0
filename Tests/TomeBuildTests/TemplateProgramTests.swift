import Mustache
import Testing
@testable import TomeBuild

/// Differential tests: Tome's template renderer (`TemplateProgram`) against swift-mustache,
/// which rendered every page before it. Each case is a small theme; both render its
/// `main` template from the same view and the bytes must be equal.
@Suite struct TemplateProgramTests {
    /// A view with a value of every kind view models answer with.
    struct Probe: TemplateObject, MustacheParent {
        var s = "text"
        var html = "<a href=\"x\">'Tom' & \"Jerry\"</a>"
        var unicode = "é<\u{301}> \u{600}<b> <\u{338} 日本<>&é \u{1F600}&"
        var empty = ""
        var multiline = "one\ntwo\r\nthree\n"
        var n = 42
        var zero = 0
        var negative = -7
        var yes = true
        var no = false
        var items: [Item] = [Item(s: "a", n: 1, children: [Item(s: "a1")]), Item(s: "b<", n: 2), Item(s: "", n: 3)]
        var none: [Item] = []
        var strings = ["x", "y&", ""]
        var object: Item? = Item(s: "inner", n: 7, children: [Item(s: "deep")])
        var nothing: Item? = nil
        /// One entry: `{{meta}}` prints the dictionary, and two instances may list several in different orders.
        var meta = ["a": "A&"]
        var outer = "OUT"

        func value(forKey key: String) -> TemplateValue? {
            switch key {
            case "s": .string(s)
            case "html": .string(html)
            case "unicode": .string(unicode)
            case "empty": .string(empty)
            case "multiline": .string(multiline)
            case "n": .int(n)
            case "zero": .int(zero)
            case "negative": .int(negative)
            case "yes": .bool(yes)
            case "no": .bool(no)
            case "items": .list(items)
            case "none": .list(none)
            case "strings": .list(strings)
            case "object": object.map { .object($0) }
            case "nothing": nothing.map { .object($0) }
            case "meta": .dictionary(meta)
            case "outer": .string(outer)
            default: nil
            }
        }
    }

    struct Item: TemplateObject, MustacheParent {
        var s: String
        var n = 0
        var children: [Item] = []

        func value(forKey key: String) -> TemplateValue? {
            switch key {
            case "s": .string(s)
            case "n": .int(n)
            case "children": .list(children)
            case "hasChildren": .bool(!children.isEmpty)
            default: nil
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var templates: [String: String]
        var testDescription: String { name }

        init(_ name: String, _ main: String, _ others: [String: String] = [:]) {
            self.name = name
            self.templates = others.merging(["main": main]) { a, _ in a }
        }
    }

    static let cases: [Case] = [
        Case("variables", "{{s}}|{{{s}}}|{{&s}}|{{ s }}|{{{ html }}}|{{& html}}|{{html}}|{{n}}|{{zero}}|{{negative}}|{{yes}}|{{no}}|{{missing}}|{{empty}}\n"),
        Case("escaping over characters", "{{unicode}}|{{{unicode}}}|{{multiline}}\n"),
        Case("dotted names", "{{object.s}} {{object.n}} {{object.children.s}} {{object.missing}} {{missing.s}} {{.s}} {{.object.s}} {{nothing.s}} {{meta.a}} {{meta.b}} {{meta.c}}\n"),
        Case("implicit iterator and empty name", "{{#strings}}[{{.}}]({{{.}}}){{/strings}} {{#items}}<{{.s}}>{{/items}} {{#object}}{{.n}}{{/object}}\n"),
        Case("sections over lists", "{{#items}}\n  <li>{{s}} {{n}} {{outer}}{{#hasChildren}}\n  {{#children}}{{s}}/{{n}}/{{outer}}{{/children}}{{/hasChildren}}</li>\n{{/items}}\n{{#none}}never{{/none}}\n"),
        Case("context stack", "{{#object}}{{s}} {{outer}} {{#children}}{{s}} {{n}} {{outer}} {{object.s}}{{/children}}{{/object}}\n{{#items}}{{#children}}{{s}}-{{n}}{{/children}}{{/items}}\n"),
        Case("sections over values", "{{#yes}}Y{{s}}{{/yes}}{{#no}}N{{/no}}{{#s}}[{{.}}]{{/s}}{{#empty}}E{{/empty}}{{#zero}}[{{.}}]{{/zero}}{{#n}}[{{.}}]{{/n}}{{#nothing}}X{{/nothing}}{{#meta}}{{a}}{{s}}{{/meta}}{{#missing}}M{{/missing}}\n"),
        Case("inverted sections", "{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^s}}S{{/s}}{{^empty}}E{{.}}{{/empty}}{{^zero}}Z{{/zero}}{{^items}}I{{/items}}{{^none}}[{{.}}]{{s}}{{/none}}{{^nothing}}X{{/nothing}}{{^object}}O{{/object}}{{^meta}}M{{/meta}}{{^missing}}?{{/missing}}\n"),
        Case("descriptions of values that are not text", "{{object}}\n{{{items}}}\n{{strings}}\n{{#items}}{{children}}{{/items}}\n{{none}}\n"),
        Case("comments", "a{{! inline }}b\n  {{! standalone }}\n{{!\nmulti\nline\n}}\nc {{!x}} \n  {{! trailing }}  \nend"),
        Case("set delimiters", "{{=<% %>=}}\n<% s %> {{s}} <%& html %> <%# yes %>y<%/ yes %>\n  <%={{ }}=%>\n{{s}} {{=| |=}}|s| |={{ }}=|{{n}}\n"),
        Case("standalone lines", "a\n  {{#yes}}\n  in\n  {{/yes}}\n{{^no}}  \nx\n {{/no}} \n\t{{#items}}\t\n{{s}}\n\t{{/items}}\nz  {{#yes}}\nw\n{{/yes}}  q\n{{#yes}}end{{/yes}}"),
        Case("CRLF and lone CR", "a\r\n  {{#yes}}\r\n  b\r\n  {{/yes}}\r\nc\rd {{#yes}}\re{{/yes}}\r\n  {{> p}}\r\n{{#no}}\r\n{{/no}}\r\n", ["p": "p1\r\np2\r\n"]),
        Case("standalone tag at the end", "x\n{{#yes}}\ny\n{{/yes}}"),
        Case("trailing whitespace at the end", "x\n  "),
        Case("partials", "[{{>p}}] [{{> p }}]\n  {{>p}}\n{{#items}}\n    {{> item}}\n{{/items}}\n{{>nowhere}}|\n",
             ["p": "p-{{s}}\n  second\n\nlast {{multiline}}\n", "item": "<{{s}}>\n{{#children}}\n  {{>item}}\n{{/children}}\n"]),
        Case("nested indented partials", "top\n  {{>a}}\n\t{{>a}}\n", ["a": "a1\n  {{>b}}\na2 {{>b}}\n", "b": "b1\n{{#yes}}\nb2 {{n}}\n{{/yes}}\n{{#items}}{{s}}\n{{/items}}"]),
        Case("recursive partial in a section", "<ul>\n{{#items}}{{>node}}{{/items}}\n</ul>\n",
             ["node": "<li>{{s}}{{#hasChildren}}\n<ul>\n{{#children}}{{>node}}{{/children}}\n</ul>{{/hasChildren}}</li>\n"]),
        Case("inheritance", "{{<layout}}\n{{$title}}Page {{s}}{{/title}}\n{{$body}}\n  <p>{{html}}</p>\n    indented\n  back\n{{/body}}\n{{/layout}}\n",
             ["layout": "<title>{{$title}}Default{{/title}}</title>\n<main>\n  {{$body}}\n  nothing\n  {{/body}}\n</main>\n{{$footer}}\n<footer>{{n}}</footer>\n{{/footer}}\n{{>partial}}\n",
              "partial": "partial {{$title}}P{{/title}}\n"]),
        Case("inheritance with text and comments in the parent tag", "before {{<layout}} ignored {{! c }}\n{{$title}}T{{/title}} also ignored\n{{/layout}} after\n",
             ["layout": "[{{$title}}D{{/title}}]\n", "partial": ""]),
        Case("nested inheritance", "{{<middle}}{{$a}}child-a{{/a}}{{/middle}}\n",
             ["middle": "{{<base}}{{$a}}middle-a{{/a}}{{$b}}middle-b {{$a}}inner{{/a}}{{/b}}{{/base}}", "base": "<{{$a}}base-a{{/a}}|{{$b}}base-b{{/b}}|{{$c}}base-c{{/c}}>"]),
        Case("inheritance in sections", "{{#items}}\n  {{<layout}}\n  {{$title}}\n    item {{s}}\n    more\n  {{/title}}\n  {{/layout}}\n{{/items}}\n",
             ["layout": "<h>\n  {{$title}}x{{/title}}\n</h>\n"]),
        Case("indented parent", "  {{<layout}}{{$title}}a\nb\n{{/title}}{{/layout}}\n", ["layout": "L1\n{{$title}}{{/title}}L2\n"]),
        Case("blocks without a parent", "{{$title}}default {{s}}{{/title}}\n  {{$body}}\n  b1\n  b2\n  {{/body}}\n"),
        Case("opening delimiter before a newline", "a {{\nb {{s}}\n"),
        Case("lone braces", "a { b {x} } }} {{s}}{ {{{s}}}}\n{ }"),
        Case("the default theme's layout", "{{<layout}}\n{{$main}}\n{{> partials/breadcrumbs}}\n<h1>{{title}}</h1>\n{{/main}}\n{{/layout}}\n",
             ["layout": DefaultTheme.files["layout.mustache"]!, "partials/breadcrumbs": "{{#items}}<a>{{s}}</a>{{/items}}\n",
              "partials/head": "", "partials/header": "", "partials/footer": ""]),
    ]

    /// The theme made of the case's templates, and swift-mustache's rendering of `main`.
    static func render(_ test: Case, _ view: Probe = Probe()) throws -> (theme: Theme, mustache: [UInt8]) {
        var library = MustacheLibrary()
        for (name, text) in test.templates { library.register(try MustacheTemplate(string: text), named: name) }
        let mustache = Array((library.render(view, withTemplate: "main") ?? "").utf8)
        let files = Dictionary(uniqueKeysWithValues: test.templates.map { ($0.key + ".mustache", (text: $0.value, display: $0.key)) })
        return (Theme.build(files: files).0, mustache)
    }

    @Test(arguments: cases) func rendersWhatSwiftMustacheRenders(_ test: Case) throws {
        let (theme, mustache) = try TemplateProgramTests.render(test)
        let program = try #require(theme.program, "the templates should compile")
        let tome = try #require(try program.render(Probe(), template: "main"))
        #expect(!mustache.isEmpty)
        #expect(tome == mustache, "\n--- tome\n\(String(decoding: tome, as: UTF8.self))\n--- swift-mustache\n\(String(decoding: mustache, as: UTF8.self))")
    }

    /// Every page template of the default theme, with views that fill every field.
    @Test func defaultThemeRendersWhatSwiftMustacheRenders() throws {
        let (theme, problems) = Theme.build(files: Dictionary(uniqueKeysWithValues: DefaultTheme.files.map { ($0.key, (text: $0.value, display: $0.key)) }))
        #expect(problems.isEmpty)
        let program = try #require(theme.program)
        var page = TemplateKeyTests.page
        page.title = "Tom & <Jerry>"
        page.description = "Quotes \"and\" 'apostrophes'"
        var bare = page
        (bare.book, bare.previous, bare.next, bare.lesson, bare.agenda, bare.release) = (nil, nil, nil, nil, nil, nil)
        (bare.tags, bare.breadcrumbs, bare.toc, bare.children, bare.recent, bare.faq) = ([], [], [], [], [], [])
        (bare.description, bare.revision, bare.sidebar) = ("", "", "")
        bare.site.feedURL = ""
        var names = 0
        for path in DefaultTheme.files.keys.sorted() where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            for view in [page, bare] {
                let mustache = Array((theme.library.render(view, withTemplate: name) ?? "").utf8)
                #expect(try program.render(view, template: name) == mustache, "\(name)")
            }
            names += 1
        }
        let sidebar = SidebarView(site: page.site, book: page.book, nav: [TemplateKeyTests.link, TemplateKeyTests.link])
        #expect(try program.render(sidebar, template: "partials/sidebar") == Array(theme.library.render(sidebar, withTemplate: "partials/sidebar")!.utf8))
        #expect(names > 10)
    }

    /// Templates that use swift-mustache's extensions render through swift-mustache.
    @Test(arguments: ["{{lowercased(s)}}", "{{#items}}{{index()}}{{/items}}", "{{>*s}}", "{{%CONTENT_TYPE:TEXT}}{{html}}"])
    func extensionsFallBackToSwiftMustache(_ template: String) throws {
        let (theme, mustache) = try TemplateProgramTests.render(Case("extension", template))
        #expect(theme.program == nil)
        #expect(try theme.renderBytes(Probe(), template: "main") == mustache)
    }

    /// Random templates built from every kind of tag, text, spaces and line ends (fixed
    /// seeds, so a failure repeats): whatever swift-mustache accepts, Tome's parser must
    /// accept too and render to the same bytes.
    @Test(arguments: 0..<8) func randomTemplatesRenderWhatSwiftMustacheRenders(_ seed: Int) throws {
        var random = SplitMix(seed: UInt64(seed))
        var compared = 0, rejected = 0
        for round in 0..<400 {
            // A partial only names later ones, so nothing recurses.
            let names = ["main", "p1", "p2", "p3"]
            var templates: [String: String] = [:]
            for (i, name) in names.enumerated() {
                templates[name] = RandomTemplate(random: random, partials: Array(names[(i + 1)...])).generate(&random)
            }
            var library = MustacheLibrary()
            do {
                for (name, text) in templates { library.register(try MustacheTemplate(string: text), named: name) }
            } catch {
                rejected += 1
                continue
            }
            let mustache = Array((library.render(Probe(), withTemplate: "main") ?? "").utf8)
            let files = Dictionary(uniqueKeysWithValues: templates.map { ($0.key + ".mustache", (text: $0.value, display: $0.key)) })
            let program = try #require(Theme.build(files: files).0.program, "seed \(seed) round \(round): \(templates)")
            let tome = try program.render(Probe(), template: "main")
            #expect(tome == mustache, "seed \(seed) round \(round): \(templates)")
            compared += 1
        }
        #expect(compared > 200, "\(rejected) of 400 rejected by swift-mustache")
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        mutating func pick<T>(_ choices: [T]) -> T { choices[next(choices.count)] }
    }

    struct RandomTemplate {
        var random: SplitMix
        var partials: [String]

        static let texts = ["a", "b c", " ", "  ", "\t", "\n", "\n", "\r\n", "\r", "{", "}", "é", "<&>", "x\n  ", "\n\t"]
        static let names = ["s", "html", "unicode", "empty", "multiline", "n", "zero", "yes", "no", "items", "none", "strings",
                            "object", "nothing", "meta", "outer", "missing", ".", "object.s", "items.s", "meta.a", ".s"]
        static let sectionNames = ["yes", "no", "items", "none", "strings", "object", "nothing", "s", "empty", "zero", "meta", "missing", "children"]

        func generate(_ random: inout SplitMix) -> String { body(&random, depth: 0) }

        /// - Parameter plain: no partials, parents or blocks (in an override, where they
        ///   could expand the override again and never end, in both renderers).
        func body(_ random: inout SplitMix, depth: Int, plain: Bool = false) -> String {
            var out = ""
            for _ in 0..<random.next(depth == 0 ? 12 : 5) {
                out += piece(&random, depth: depth, plain: plain)
            }
            return out
        }

        /// Spaces, tabs or a line end around a tag, so that standalone lines come up often.
        func padding(_ random: inout SplitMix) -> String {
            random.pick(["", "", "\n", "  ", "\n  ", "\t", " \n", "\r\n"])
        }

        func piece(_ random: inout SplitMix, depth: Int, plain: Bool) -> String {
            let pad = padding(&random)
            let deeper = depth < 3
            let nesting = deeper && !plain
            switch random.next(12) {
            case 0, 1: return random.pick(RandomTemplate.texts)
            case 2: return pad + "{{\(random.pick(RandomTemplate.names))}}"
            case 3: return pad + random.pick(["{{{\(random.pick(RandomTemplate.names))}}}", "{{& \(random.pick(RandomTemplate.names)) }}"])
            case 4 where deeper, 5 where deeper:
                let name = random.pick(RandomTemplate.sectionNames)
                let sigil = random.pick(["#", "^"])
                return pad + "{{\(sigil)\(name)}}" + padding(&random) + body(&random, depth: depth + 1, plain: plain) + padding(&random) + "{{/\(name)}}" + padding(&random)
            case 6 where !plain && !partials.isEmpty:
                return pad + "{{>\(random.pick(partials))}}" + padding(&random)
            case 7: return pad + random.pick(["{{! note }}", "{{!\nmulti\n}}"]) + padding(&random)
            case 8 where nesting:
                let name = random.pick(["b1", "b2"])
                return pad + "{{$\(name)}}" + padding(&random) + body(&random, depth: depth + 1) + "{{/\(name)}}" + padding(&random)
            case 9 where nesting && !partials.isEmpty:
                let parent = random.pick(partials)
                var inside = padding(&random)
                for _ in 0..<random.next(3) {
                    let name = random.pick(["b1", "b2"])
                    inside += "{{$\(name)}}" + padding(&random) + body(&random, depth: depth + 1, plain: true) + padding(&random) + "{{/\(name)}}" + padding(&random)
                }
                return pad + "{{<\(parent)}}" + inside + "{{/\(parent)}}" + padding(&random)
            case 10: return pad + "{{=<% %>=}}" + padding(&random) + "<% s %><%# yes %>y<%/ yes %>" + padding(&random) + "<%={{ }}=%>" + padding(&random)
            default: return pad
            }
        }
    }

    @Test func parserOutline() throws {
        let nodes = try TemplateParser.parse("a\n  {{#b}}\n  {{>p}}\n  {{/b}}\n{{<l}}{{$x}}y{{/x}}{{/l}}")
        #expect(nodes == [
            .text("a\n"),
            .section("b", [.text("  "), .partial("p", indentation: "  ", overrides: nil)], inverted: false),
            .partial("l", indentation: "", overrides: ["x": [.text("y")]]),
        ])
    }
}
