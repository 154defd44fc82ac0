// The only file in Tome that calls libxml2. It turns libxml2's trees into Swift values
// (a flat token stream with line numbers), drives its XML text writer, and frees every
// libxml2 object before returning. Nothing from CLibXML2 appears in a public signature.

internal import CLibXML2

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

enum LibXML2 {
    /// `xmlInitParser()` must run once before parsers are used from several threads.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }

    // MARK: HTML fragments

    /// The byte form of an HTML fragment handed to libxml2: the fragment with NUL and
    /// control characters dropped (they are never meaningful in HTML and libxml2 reports
    /// them as errors), preceded by `<html><body>` on the same line so that line numbers
    /// inside the fragment are those libxml2 reports and head-only elements (`<meta>`,
    /// `<style>`) stay where they were written.
    private static func parserInput(for fragment: String) -> [UInt8] {
        var bytes: [UInt8] = Array("<html><body>".utf8)
        bytes.reserveCapacity(fragment.utf8.count + bytes.count)
        for scalar in fragment.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D:
                bytes.append(UInt8(scalar.value))
            case 0x0C:
                bytes.append(0x20)
            case 0x00...0x1F, 0x7F, 0xFFFE, 0xFFFF:
                continue
            default:
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Parses an HTML fragment and returns its content as a balanced token stream in
    /// document order. Never recursive: the tree is walked with parent/sibling links.
    ///
    /// libxml2 stops parsing at its own limits (elements nested more than 256 deep, a
    /// text node over 10 MB); the content read so far is returned and `stoppedAtLine`
    /// says where it stopped.
    static func parseHTMLFragment(_ fragment: String) -> ParsedFragment {
        ensureInitialized()
        let input = parserInput(for: fragment)
        guard input.count < Int(Int32.max) else { return ParsedFragment(tokens: [], stoppedAtLine: 1) }
        guard let ctxt = htmlNewParserCtxt() else { return ParsedFragment(tokens: [], stoppedAtLine: 1) }
        defer { htmlFreeParserCtxt(ctxt) }
        // Elements remember the line they started on (xmlGetLineNo).
        ctxt.pointee.linenumbers = 1
        let options = Int32(bitPattern: HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let doc: htmlDocPtr? = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // An explicit encoding also stops `<meta charset>` in the fragment from
                // switching the decoder half-way through.
                htmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        // A halted parser (a limit was hit) has SAX switched off.
        let stoppedAt: Int? = ctxt.pointee.disableSAX != 0 ? Int(ctxt.pointee.input?.pointee.line ?? 1) : nil
        guard let doc else { return ParsedFragment(tokens: [], stoppedAtLine: stoppedAt ?? 1) }
        defer { xmlFreeDoc(doc) }
        let tokens = tokens(under: UnsafeMutableRawPointer(doc).assumingMemoryBound(to: xmlNode.self))
        return ParsedFragment(tokens: tokens, stoppedAtLine: stoppedAt)
    }

    private static func tokens(under root: xmlNodePtr) -> [HTMLToken] {
        var out: [HTMLToken] = []
        var node = root.pointee.children
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                out.append(.start(element(current)))
                if current.pointee.children != nil {
                    descend = true
                } else {
                    out.append(.end)
                }
            case XML_TEXT_NODE:
                out.append(.text(string(current.pointee.content)))
            case XML_CDATA_SECTION_NODE:
                out.append(.rawText(string(current.pointee.content)))
            case XML_COMMENT_NODE:
                out.append(.comment(string(current.pointee.content)))
            case XML_ENTITY_REF_NODE:
                if let name = current.pointee.name {
                    out.append(.text("&" + String(cString: name) + ";"))
                }
            default:
                break // DTD, processing instructions: not content
            }
            if descend {
                node = current.pointee.children
                continue
            }
            // Next sibling, or climb, closing elements on the way up.
            var climb: xmlNodePtr? = current
            node = nil
            while let here = climb {
                if let next = here.pointee.next {
                    node = next
                    break
                }
                let parent = here.pointee.parent
                if parent == nil || parent == root { break }
                if parent!.pointee.type == XML_ELEMENT_NODE { out.append(.end) }
                climb = parent
            }
        }
        return out
    }

    private static func element(_ node: xmlNodePtr) -> HTMLElementToken {
        let name = string(node.pointee.name).lowercased()
        var attributes: [HTMLAttribute] = []
        var attr = node.pointee.properties
        while let a = attr {
            let attrName = string(a.pointee.name).lowercased()
            var value: String?
            var child = a.pointee.children
            while let c = child {
                if let content = c.pointee.content {
                    value = (value ?? "") + String(cString: content)
                }
                child = c.pointee.next
            }
            attributes.append(HTMLAttribute(name: attrName, value: value))
            attr = a.pointee.next
        }
        let line = Int(xmlGetLineNo(node))
        return HTMLElementToken(name: name, attributes: attributes, line: line > 0 ? line : nil)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// Runs `body` with `string` as a NUL-terminated `xmlChar` pointer.
    @discardableResult
    fileprivate static func xmlChars(_ string: String, _ body: (UnsafePointer<xmlChar>) -> Int32) -> Int32 {
        var bytes = Array(string.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    // MARK: XML well-formedness

    /// Parses `bytes` as XML without network access or entity expansion and returns the
    /// first error, or nil when the document is well-formed.
    static func xmlWellFormednessError(_ bytes: [UInt8]) -> XMLSyntaxError? {
        ensureInitialized()
        guard bytes.count < Int(Int32.max) else { return XMLSyntaxError(message: "document too large", line: nil) }
        guard let ctxt = xmlNewParserCtxt() else { return XMLSyntaxError(message: "out of memory", line: nil) }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(bitPattern: XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NONET.rawValue)
        let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(chars.count), nil, nil, options)
            }
        }
        if let doc { xmlFreeDoc(doc) }
        if ctxt.pointee.wellFormed != 0, doc != nil { return nil }
        let error = ctxt.pointee.lastError
        let message = error.message.map { String(cString: $0) } ?? "not well-formed"
        var trimmed = message
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        return XMLSyntaxError(message: trimmed, line: error.line > 0 ? Int(error.line) : nil)
    }

    // MARK: XML writing

    /// A thin owner of an `xmlTextWriter` writing to memory with two-space indentation.
    /// Text handed to it must already be free of characters XML cannot carry
    /// (see `XMLText.clean`).
    final class Writer {
        private let buffer: xmlBufferPtr
        private let writer: xmlTextWriterPtr

        init?() {
            LibXML2.ensureInitialized()
            guard let buffer = xmlBufferCreate() else { return nil }
            guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
                xmlBufferFree(buffer)
                return nil
            }
            self.buffer = buffer
            self.writer = writer
            xmlTextWriterSetIndent(writer, 1)
            LibXML2.xmlChars("  ") { xmlTextWriterSetIndentString(writer, $0) }
        }

        deinit {
            xmlFreeTextWriter(writer)
            xmlBufferFree(buffer)
        }

        func startDocument() {
            _ = xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
        }

        func startElement(_ name: String, namespace: String? = nil) {
            LibXML2.xmlChars(name) { name in
                if let namespace {
                    LibXML2.xmlChars(namespace) { xmlTextWriterStartElementNS(writer, nil, name, $0) }
                } else {
                    xmlTextWriterStartElement(writer, name)
                }
            }
        }

        func attribute(_ name: String, _ value: String) {
            LibXML2.xmlChars(name) { name in
                LibXML2.xmlChars(XMLText.clean(value)) { xmlTextWriterWriteAttribute(writer, name, $0) }
            }
        }

        func text(_ value: String) {
            LibXML2.xmlChars(XMLText.clean(value)) { xmlTextWriterWriteString(writer, $0) }
        }

        func endElement() {
            xmlTextWriterEndElement(writer)
        }

        /// `<name>text</name>` on one line.
        func element(_ name: String, text value: String) {
            LibXML2.xmlChars(name) { name in
                LibXML2.xmlChars(XMLText.clean(value)) { xmlTextWriterWriteElement(writer, name, $0) }
            }
        }

        /// Ends the document and returns the bytes written.
        func finish() -> [UInt8] {
            xmlTextWriterEndDocument(writer)
            xmlTextWriterFlush(writer)
            let count = Int(xmlBufferLength(buffer))
            guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
            return Array(UnsafeBufferPointer(start: content, count: count))
        }
    }
}
