import Foundation
import Mustache
import TomeCore

/// The templates and assets a site is rendered with: the default theme built into
/// the binary, overridden file by file by the site's own templates folder.
public struct Theme: Sendable {
    /// Template names are paths without `.mustache`: `page`, `partials/header`.
    /// swift-mustache's parse of every template: its errors are the theme's parse errors,
    /// and it renders a theme that `program` cannot.
    private(set) var library: MustacheLibrary
    /// Tome's own compiled templates, which render every page; nil when a template uses a
    /// swift-mustache extension Tome's renderer leaves out (transforms such as
    /// `{{lowercased(x)}}`, dynamic partials, `{{%CONTENT_TYPE}}`).
    private(set) var program: TemplateProgram?
    private(set) var templateNames: Set<String>
    /// Theme files other than templates (CSS, JavaScript, icons), by relative path.
    private(set) var assets: [String: [UInt8]]
    /// A digest of every template's name and text: part of the memo key of every output
    /// rendered through the theme.
    private(set) var identity: UInt64 = 0
    /// How messages name each template's file (`Templates/partials/nav.mustache`).
    private(set) var sources: [String: String] = [:]

    /// - Parameters:
    ///   - directory: the site's templates folder; nil or missing means the default theme alone.
    ///   - displayPath: how messages name that folder (`Templates`).
    public static func load(directory: String?, displayPath: String) -> (Theme, [Diagnostic]) {
        var files: [String: (text: String, display: String)] = [:]
        for (path, text) in DefaultTheme.files {
            files[path] = (text, "(default theme)/" + path)
        }
        var binaryAssets: [String: [UInt8]] = [:]
        if let directory {
            for path in listFiles(directory) {
                guard let data = FileManager.default.contents(atPath: directory + "/" + path) else { continue }
                if path.hasSuffix(".mustache") || path.hasSuffix(".css") || path.hasSuffix(".js") || path.hasSuffix(".svg") {
                    files[path] = (String(decoding: data, as: UTF8.self), displayPath + "/" + path)
                } else {
                    binaryAssets[path] = Array(data)
                }
            }
        }
        return build(files: files, binaryAssets: binaryAssets)
    }

    static func build(files: [String: (text: String, display: String)], binaryAssets: [String: [UInt8]] = [:]) -> (Theme, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var library = MustacheLibrary()
        var names = Set<String>()
        var sources: [String: String] = [:]
        var assets = binaryAssets
        var scanned: [String: [TemplateScanner.Tag]] = [:]
        var parsed: [String: [TemplateNode]]? = [:]
        var identity = Digest()
        for path in files.keys.sorted() {
            let (text, display) = files[path]!
            guard path.hasSuffix(".mustache") else {
                assets[path] = Array(text.utf8)
                continue
            }
            identity.add(path)
            identity.add(text)
            let name = String(path.dropLast(".mustache".count))
            sources[name] = display
            do {
                library.register(try MustacheTemplate(string: text), named: name)
                names.insert(name)
                scanned[name] = TemplateScanner.tags(in: text)
                if parsed != nil {
                    // One template Tome's parser leaves to swift-mustache: the whole theme renders there.
                    if let nodes = try? TemplateParser.parse(text) { parsed![name] = nodes } else { parsed = nil }
                }
            } catch let error as MustacheTemplate.ParserError {
                var line = error.context.lineNumber, column = error.context.columnNumber
                if case MustacheTemplate.Error.expectedSectionEnd = error.error, let open = unclosedSection(in: text) {
                    // Point at the section that was opened, not at the end of the file.
                    (line, column) = (open.line, open.column)
                }
                diagnostics.append(.error("template.parse", "template: \(describe(error.error))",
                                          at: SourceLocation(file: display, line: line, column: column),
                                          hint: "check that every {{#section}} has a matching {{/section}}"))
            } catch {
                diagnostics.append(.error("template.parse", "template: \(error)", at: SourceLocation(file: display)))
            }
        }
        diagnostics += checkPartials(scanned, sources: sources)
        return (Theme(library: library, program: parsed.map(TemplateProgram.init), templateNames: names, assets: assets,
                      identity: identity.value, sources: sources), diagnostics)
    }

    /// Missing partials, and partials that include themselves with no section in
    /// between (which would recurse forever on any data).
    static func checkPartials(_ scanned: [String: [TemplateScanner.Tag]], sources: [String: String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var unconditionalEdges: [String: [(String, TemplateScanner.Tag)]] = [:]
        for name in scanned.keys.sorted() {
            for tag in scanned[name]! where tag.kind == .partial || tag.kind == .parent {
                guard !tag.name.hasPrefix("*") else { continue }
                let location = SourceLocation(file: sources[name] ?? name, line: tag.line, column: tag.column)
                if scanned[tag.name] == nil {
                    diagnostics.append(.error("template.missing-partial", "template: partial '\(tag.name)' does not exist", at: location,
                                              hint: "create \(tag.name).mustache in the templates folder, or fix the name"))
                } else if tag.sectionDepth == 0 {
                    unconditionalEdges[name, default: []].append((tag.name, tag))
                }
            }
        }
        // A cycle along unconditional inclusions never ends.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        func visit(_ name: String) -> Bool {
            if state[name] == 2 { return false }
            if state[name] == 1 { return true }
            state[name] = 1
            for (target, tag) in unconditionalEdges[name] ?? [] where visit(target) {
                if !diagnostics.contains(where: { $0.id == "template.recursive-partial" }) {
                    diagnostics.append(.error("template.recursive-partial", "template: '\(name)' includes '\(target)', which leads back to '\(name)' and would never end",
                                              at: SourceLocation(file: sources[name] ?? name, line: tag.line, column: tag.column),
                                              hint: "put a recursive partial inside a section, such as {{#children}}…{{/children}}"))
                }
                state[name] = 2
                return true
            }
            state[name] = 2
            return false
        }
        for name in unconditionalEdges.keys.sorted() { _ = visit(name) }
        return diagnostics
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: "a section is closed with a different name than it was opened with"
        case MustacheTemplate.Error.unfinishedName: "a tag is not closed with '}}'"
        case MustacheTemplate.Error.expectedSectionEnd: "a section is never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: "invalid delimiter change"
        default: "\(error)"
        }
    }

    /// The innermost section left open at the end of a template.
    static func unclosedSection(in text: String) -> TemplateScanner.Tag? {
        var open: [TemplateScanner.Tag] = []
        for tag in TemplateScanner.tags(in: text) {
            switch tag.kind {
            case .section, .invertedSection, .block, .parent: open.append(tag)
            case .close: if !open.isEmpty { open.removeLast() }
            default: break
            }
        }
        return open.last
    }

    static func listFiles(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix(".") { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    public func has(_ name: String) -> Bool { templateNames.contains(name) }

    /// The page `name` renders from `view`, as UTF-8.
    func renderBytes(_ view: some TemplateObject & MustacheParent, template name: String) throws(BuildError) -> [UInt8] {
        guard let program else { return Array((library.render(view, withTemplate: name) ?? "").utf8) }
        do {
            return try program.render(view, template: name) ?? []
        } catch {
            let file = sources[error.template] ?? error.template
            throw .io(path: file, reason: "template '\(error.template)' is expanded more than \(TemplateProgram.maximumDepth) levels deep "
                + "while rendering '\(name)': a partial or block that brings itself back without end; put the recursion inside "
                + "a section over data that ends, such as {{#children}}…{{/children}}")
        }
    }

    func render(_ view: some TemplateObject & MustacheParent, template name: String) throws(BuildError) -> String {
        String(decoding: try renderBytes(view, template: name), as: UTF8.self)
    }
}
