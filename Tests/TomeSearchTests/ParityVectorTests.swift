import Foundation
import Testing
@testable import TomeSearch

/// Golden vectors shared with the browser engine (Tests/JS/parity.test.js): for two
/// document sets, the index files and the Swift engine's answers to ≥ 300 queries.
/// `TOME_RECORD_PARITY=1 swift test --filter ParityVectorTests` rewrites them; otherwise
/// the test rebuilds both in memory and requires the committed bytes to be identical,
/// so a format or ranking change without re-recording (and re-checking the JS) fails.
struct ParityVectorTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/parity")
    static let record = ProcessInfo.processInfo.environment["TOME_RECORD_PARITY"] == "1"

    @Test(arguments: ["support", "cpp"])
    func vectors(_ set: String) throws {
        let (docs, synonyms, queries) = set == "support" ? ParityData.support() : try ParityData.cpp()
        let files = IndexBuilder(synonyms: synonyms).build(docs)
        let index = try SearchIndex(files: files)
        var out = "{\"set\":\(JSONWriter.quote(set)),\"queries\":[\n"
        for (i, q) in queries.enumerated() {
            out += (i > 0 ? ",\n" : "") + (try ParityData.vector(index, q))
        }
        out += "\n]}\n"
        let base = Self.dir.appendingPathComponent(set)
        let indexDir = base.appendingPathComponent("index")
        let vectorsURL = base.appendingPathComponent("vectors.json")
        if Self.record {
            try? FileManager.default.removeItem(at: indexDir)
            try files.write(to: indexDir.path)
            try Data(out.utf8).write(to: vectorsURL)
            return
        }
        let committed = try? Data(contentsOf: vectorsURL)
        #expect(committed != nil, "missing golden file \(vectorsURL.path); record with TOME_RECORD_PARITY=1")
        #expect(committed == Data(out.utf8), "vectors for '\(set)' changed; re-record with TOME_RECORD_PARITY=1 and run node --test Tests/JS/")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: indexDir.path)) ?? []
        #expect(names.sorted() == files.files.map(\.name).sorted(), "index files for '\(set)' changed; re-record")
        for f in files.files {
            let bytes = try? Data(contentsOf: indexDir.appendingPathComponent(f.name))
            #expect(bytes == Data(f.bytes), "\(set)/index/\(f.name) differs; re-record")
        }
        #expect(queries.count >= 150)
    }
}

enum ParityData {
    /// One query's answer as a JSON object (one line).
    static func vector(_ index: SearchIndex, _ q: String) throws -> String {
        let r = try index.search(q, options: SearchOptions(limit: 5))
        let ranked = try index.rankDocuments(q, limit: 25)
        func num(_ d: Double) -> String { "\(d)" }
        var s = "{\"q\":\(JSONWriter.quote(q)),\"totalSections\":\(r.totalSections),\"totalPages\":\(r.totalPages),"
        s += "\"corrections\":[" + r.corrections.map { "[\(JSONWriter.quote($0.typed)),\(JSONWriter.quote($0.suggestion))]" }
            .joined(separator: ",") + "],"
        s += "\"ranked\":[" + ranked.map { "[\($0.docID),\(num($0.score))]" }.joined(separator: ",") + "],"
        s += "\"pages\":[" + r.pages.map { p in
            "{\"pageURL\":\(JSONWriter.quote(p.pageURL)),\"sections\":[" + p.sections.map { h in
                "{\"docID\":\(h.docID),\"url\":\(JSONWriter.quote(h.url)),\"score\":\(num(h.score)),"
                    + "\"snippet\":\(JSONWriter.quote(h.snippet.text)),\"highlights\":["
                    + h.snippet.highlights.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]}"
        return s
    }

    /// Derived queries for a word list: the word, a prefix, a typo, and stem forms.
    static func derived(_ words: [String]) -> [String] {
        var out: [String] = []
        for (i, w) in words.enumerated() {
            let c = Array(w)
            out.append(w)
            if c.count >= 4 { out.append(String(c.prefix(max(2, c.count / 2)))) }
            if c.count >= 5 {
                var t = c
                switch i % 3 {
                case 0: t.swapAt(1, 2)                       // transposition
                case 1: t.remove(at: c.count / 2)            // deletion
                default: t[c.count - 2] = "x"                // substitution
                }
                out.append(String(t) + " ")
            }
            if i % 2 == 0 { out.append(w + "s ") } else { out.append(w + "ing") }
        }
        return out
    }

    static let supportSynonyms: [[String]] = [
        ["lpr", "alpr", "licence plate recognition", "license plate recognition"],
        ["licence", "license"],
        ["citation", "parking ticket"],
        ["appeal", "dispute"],
        ["sso", "single sign-on"],
        ["boot", "wheel clamp", "immobiliser"],
        ["email", "e-mail"],
        ["waitlist", "waiting list"],
    ]

    static func support() -> ([SearchDocument], [[String]], [String]) {
        var docs: [SearchDocument] = []
        func page(_ url: String, _ title: String, book: String, _ bookTitle: String, type: String = "page", tags: [String] = [],
                  boost: Double = 1, _ sections: [(String, [String], String)]) {
            for (h, path, text) in sections {
                let anchor = h.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-")
                docs.append(SearchDocument(url: h.isEmpty ? url : url + "#" + anchor, pageURL: url, pageTitle: title, heading: h,
                                           headingPath: path, text: text, tags: tags, book: book, bookTitle: bookTitle,
                                           type: type, boost: boost))
            }
        }
        page("/support/faq/", "Support FAQ", book: "support", "Support", type: "faq", tags: ["support", "hours"], [
            ("", [], "Answers to the questions our support desk hears most often."),
            ("After hours", [], "Critical incidents are handled after hours by the on-call engineer. Call +1 555 0100 and quote your site code."),
            ("How do I contact support?", [], "E-mail support@ops-com.com or open a ticket in the portal. We answer within one business day."),
            ("What counts as critical?", [], "A critical incident stops parking enforcement or payment at a whole site, for example every LPR camera offline."),
            ("Can I get a refund?", [], "Refunds for permits are issued to the original card within ten days; see the billing book."),
        ])
        page("/support/escalation/", "Escalation policy", book: "support", "Support", tags: ["support", "incidents"], [
            ("", [], "How tickets move from first line to engineering."),
            ("Severity levels", [], "Severity 1 is critical and is answered within 30 minutes, day or night. Severity 2 within four hours."),
            ("Escalating a ticket", ["Severity levels"], "Ask the duty manager to escalate; include the ticket number such as INC-20431."),
            ("Out of hours", [], "Outside office hours only severity 1 incidents page the on-call engineer."),
        ])
        page("/billing/refunds/", "Refunds", book: "billing", "Billing", tags: ["billing", "payments"], [
            ("", [], "Refunding a permit or a parking charge. Write to billing@ops-com.com with the receipt."),
            ("Partial refunds", [], "A permit cancelled mid-term is refunded pro rata, minus a 5.00 administration fee."),
            ("Refund timing", [], "Card refunds take three to ten working days; bank transfers take longer."),
        ])
        page("/billing/invoices/", "Invoices and receipts", book: "billing", "Billing", tags: ["billing"], [
            ("", [], "Every payment produces a receipt; monthly accounts get an invoice."),
            ("Downloading invoices", [], "Open Billing, then Invoices, and choose Download PDF. Invoices are kept for seven years."),
            ("VAT numbers", [], "Add your VAT number before paying; invoices cannot be reissued with a different number."),
        ])
        page("/cameras/lpr/", "Licence plate recognition cameras", book: "cameras", "Cameras", tags: ["lpr", "hardware"], [
            ("", [], "Our LPR cameras read number plates at entry and exit lanes."),
            ("Setup", [], "Mount the LPR-200 camera 1.2 m above the lane, aim it at the plate, and run firmware 2.4.1 or later."),
            ("Firmware updates", ["Setup"], "Firmware 2.4.1 fixes night reading. Update from the camera page; the camera restarts once."),
            ("Troubleshooting", [], "If plates are misread, clean the lens and check the infrared illuminator. Dirty lenses cause most misreads."),
        ])
        page("/cameras/fixed/", "Fixed cameras", book: "cameras", "Cameras", tags: ["hardware"], [
            ("", [], "Fixed CCTV cameras record the car park for security; they do not read plates."),
            ("Retention", [], "Recordings are kept for 31 days and then deleted automatically."),
        ])
        page("/permits/apply/", "Applying for a permit", book: "permits", "Parking Permits", tags: ["permits", "residents"], boost: 2, [
            ("", [], "Residents and staff apply for a parking permit online."),
            ("Eligibility", [], "You must live or work in the zone. Students need a letter from the university."),
            ("Documents", ["Eligibility"], "Upload proof of address and the vehicle registration document (V5C)."),
            ("Waiting list", [], "When a zone is full you join the waiting list; we e-mail you when a space frees up."),
        ])
        page("/permits/renew/", "Renewing a permit", book: "permits", "Parking Permits", tags: ["permits"], [
            ("", [], "Permits renew every twelve months."),
            ("Automatic renewal", [], "Turn on automatic renewal to be charged on the renewal date; cancel any time before it."),
            ("Changing your vehicle", [], "Changed car? Update the licence plate on your permit before you park the new vehicle."),
        ])
        page("/enforcement/citations/", "Parking citations", book: "enforcement", "Enforcement", tags: ["enforcement", "citations"], [
            ("", [], "A citation is issued when a car parks without a valid permit or beyond the paid time."),
            ("Appeals", [], "Drivers may dispute a citation within 28 days. The appeal is reviewed by a second officer."),
            ("Paying a citation", [], "Pay online with the citation number; paying within 14 days halves the charge."),
            ("Wheel clamps", [], "Persistent offenders may be clamped. Removing a wheel clamp costs 100.00."),
        ])
        page("/security/incidents/", "Security incidents", book: "security", "Security Incidents", tags: ["security", "incidents"], [
            ("", [], "Report theft, damage or aggression in the car park."),
            ("Incident reports", [], "File an incident report within 24 hours; attach photos and the officer's badge number."),
            ("Police", ["Incident reports"], "For crimes in progress call the police first, then the control room."),
        ])
        page("/admin/sso/", "Single sign-on", book: "admin", "Administration", tags: ["admin", "sso"], [
            ("", [], "Sign in with your company account through SAML 2.0 single sign-on."),
            ("Configuring SAML", [], "Upload the identity provider metadata XML and map the e-mail attribute."),
            ("Troubleshooting sign-in", [], "Clock drift over five minutes makes assertions fail; sync the server clock."),
        ])
        page("/admin/users/", "Managing users", book: "admin", "Administration", tags: ["admin"], [
            ("", [], "Administrators invite, suspend and delete user accounts."),
            ("Roles", [], "Roles are Viewer, Officer, Manager and Administrator; each includes the one before."),
            ("Café and Zürich sites", [], "Sites with accented names (Café Nord, Zürich Süd) are searchable without accents: cafe, zurich."),
        ])
        page("/releases/2-4/", "Release 2.4", book: "releases", "Release Notes", type: "release", tags: ["releases"], [
            ("", [], "What's new in release 2.4: faster plate reading and a new permit wizard."),
            ("Fixed issues", [], "Fixed: naïve date parsing in exports; the waitlist counter; résumé uploads over 10 MB."),
        ])
        let queries = [
            "after hours", "after hours support", "afterhours", "critical", "critical incident", "on-call", "on call engineer",
            "support@ops-com.com", "ops-com", "billing@ops-com.com", "refund", "refunds", "refunding", "refu", "ref", "r",
            "refunsd ", "refnds ", "invoice", "invoices pdf", "download", "downlo", "vat", "vat number", "lpr", "lpr ", "alpr",
            "LPR-200", "lpr-200 setup", "2.4.1", "firmware 2.4.1", "firmware", "firmwre ", "licence plate recognition",
            "license plate", "licence", "license", "number plate", "\"plate recognition\"", "\"number plates\"",
            "\"after hours\"", "\"hours after\"", "camera -firmware", "cameras -lpr", "camera", "cameras", "cctv",
            "retention days", "permit", "permits", "permit renewal", "automatic renewal", "renew", "waiting list", "waitlist",
            "wait", "eligibility", "students", "documents v5c", "v5c", "citation", "parking ticket", "appeal", "dispute",
            "appeals", "wheel clamp", "boot", "immobiliser", "clamp", "pay citation", "incident report", "incident",
            "police", "theft", "sso", "single sign-on", "single sign on", "saml", "saml 2.0", "clock drift", "sign in",
            "users", "roles", "administrator", "cafe", "café", "CAFÉ", "zurich", "zürich", "sud", "naive", "naïve", "resume",
            "résumé", "release 2.4", "release notes", "what's new", "new", "type:faq critical", "type:faq", "type:release new",
            "book:billing refund", "book:billing support", "book:Billing invoices", "tag:permits renew", "tag:hardware camera",
            "tag:nothing refunds", "book:cameras book:billing card", "book:cameras tag:lpr", "book:\"cameras\" plate",
            "-refund", "refund -card", "refund -\"working days\"", "\"working days\" -bank", "zzzzzz", "qqq", "", "   ",
            "the", "the and of", "to be or not", "x", "e-mail", "email", "mail", "emal ", "escalate", "escalation",
            "escalating tickets", "severity 1", "severity", "sever", "inc-20431", "INC-20431", "30 minutes", "100.00",
            "5.00 fee", "pro rata", "\"pro rata\"", "card refunds", "bank transfer", "seven years", "infrared", "lens",
            "misread", "misreads", "misreading", "dirty lenses", "night reading", "restarts", "mount camera lane",
            "entry exit lanes", "officer", "officers badge", "badge number", "photos", "control room", "aggression",
            "identity provider", "metadata xml", "assertion", "assertions fail", "suspend user", "delete accounts",
            "viewer", "manager", "accented names", "wizard", "permit wizard", "exports", "uploads", "10 mb",
            "proof of address", "university letter", "zone full", "space frees", "twelve months", "new vehicle",
            "park", "parking", "parked", "parks", "charged", "charge", "halves", "offenders", "persistent", "sign",
            "supprt ", "suport ", "critcal ", "enforcment ", "registation ", "administraton ", "troubleshooting",
            "troubleshoot", "trouble", "troubleshootng ", "recognition", "recognise", "plates", "plate", "Plate",
            "PLATES", "how do i contact support?", "what counts as critical", "can i get a refund", "ticket", "tickets",
            "ticket number", "portal", "business day", "quote site code", "+1 555 0100", "555", "0100",
        ]
        return (docs, supportSynonyms, queries)
    }

    static func cpp() throws -> ([SearchDocument], [[String]], [String]) {
        let url = ParityVectorTests.dir.appendingPathComponent("cpp-slice.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        var docs: [SearchDocument] = []
        for line in text.split(separator: "\n") {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            docs.append(SearchDocument(
                url: o["url"] as? String ?? "", pageURL: o["pageURL"] as? String ?? "", pageTitle: o["pageTitle"] as? String ?? "",
                heading: o["heading"] as? String ?? "", headingPath: o["headingPath"] as? [String] ?? [],
                text: o["text"] as? String ?? "", tags: o["tags"] as? [String] ?? [], book: o["book"] as? String ?? "",
                bookTitle: o["bookTitle"] as? String ?? "", type: o["type"] as? String ?? "page"))
        }
        let synonyms = [["dll", "dynamic-link library"], ["compiler", "cl.exe"], ["mfc", "microsoft foundation classes"]]
        let words = ["compiler", "warning", "error", "linker", "template", "pointer", "function", "class", "member",
                     "runtime", "library", "memory", "string", "exception", "constructor", "operator", "namespace",
                     "header", "macro", "assembler", "register", "thread", "window", "message", "argument",
                     "parameter", "option", "project", "debug", "release", "variable", "structure", "interface",
                     "collection", "allocation", "conversion", "declaration", "specifier", "instruction", "property"]
        var queries = derived(words)
        queries += [
            "C2065", "c4996", "LNK2019", "lnk2019 unresolved external", "/EHsc", "/permissive-", "__declspec", "std::vector",
            "std::string", "vector push_back", "operator new", "operator overloading", "\"undeclared identifier\"",
            "\"unresolved external symbol\"", "\"member function\"", "\"function template\"", "\"not a member\"",
            "compiler warning level 1", "compiler warning level 4", "dll", "dynamic-link library", "dynamic link", "cl.exe",
            "mfc", "microsoft foundation classes", "atl com", "ccomptr", "cwnd", "smart pointer", "smart pointers -com",
            "template -class", "class -template", "book:atl pointer", "book:mfc window", "book:error-messages c2",
            "type:reference function", "type:page compiler", "book:c-runtime-library string", "book:nosuchbook x",
            "tag:warning", "x64 calling convention", "arm64", "armasm", "thumb", "coff", "inline assembler",
            "visual studio", "msbuild", "cmake", "vcpkg", "intellisense", "code analysis", "static analysis",
            "buffer overrun", "null pointer dereference", "uninitialized memory", "memory leak", "heap corruption",
            "thread safety", "critical section", "lambda expression", "lambda", "lambdas", "constexpr", "consteval",
            "noexcept", "rvalue reference", "move semantics", "copy constructor", "destructor", "virtual function",
            "pure virtual", "abstract class", "multiple inheritance", "friend", "typedef", "enum class", "struct",
            "union", "bit field", "preprocessor", "#pragma", "pragma once", "#include", "macro expansion", "__cplusplus",
            "c++17", "c++20", "c11", "utf-8", "unicode", "wchar_t", "char8_t", "printf", "printf_s", "sprintf", "fopen",
            "malloc free", "new delete", "errno", "locale", "time_t", "64-bit", "32-bit", "x86", "amd64",
            "compilr ", "wraning ", "excepton ", "construtor ", "declaraton ", "inheritence ", "paramter ",
            "zzzzqqq", "the of and", "a", "-error", "com interface pointer", "interface pointer", "global interface table",
            // Their answers differ when the proximity step re-ranks the best 200 candidates
            // instead of QueryLimits.proximityCandidates (64): the browser must use the same head.
            "function return value", "error message compiler option",
        ]
        return (docs, synonyms, queries)
    }
}
