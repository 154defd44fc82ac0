import Foundation
import Testing
@testable import TomeBuild

/// A folder of many pages: each page's sidebar shows the block of siblings around it and
/// one link to the folder for the rest, so page size does not grow with the folder.
@Suite struct SidebarTests {
    @Test func largeFoldersShowTheirPagesInBlocks() async throws {
        let folder = try Fixture.copy()
        let content = folder.appendingPathComponent("Content")
        let count = 2 * ViewBuilder.sidebarBlock + 20
        for i in 0..<count {
            try Fixture.write("---\ntitle: Article \(i)\norder: \(i)\n---\nText \(i).\n", to: String(format: "guide/many/a%03d.md", i), in: content)
        }
        let (sink, report) = try await Fixture.build(content: content)
        #expect(report.succeeded)

        func sidebar(_ i: Int) throws -> String {
            let page = try #require(sink.text(String(format: "guide/many/a%03d/index.html", i)))
            let start = try #require(page.range(of: "<nav class=\"sidebar\""))
            let end = try #require(page[start.lowerBound...].range(of: "</nav>"))
            return String(page[start.lowerBound..<end.upperBound])
        }
        func articleLinks(_ html: String) -> Int { html.components(separatedBy: ">Article ").count - 1 }

        let block = ViewBuilder.sidebarBlock
        let middle = try sidebar(block + 3)
        #expect(articleLinks(middle) == block, "one block of siblings")
        #expect(middle.contains(String(format: "href=\"/help/guide/many/a%03d/\" aria-current=\"page\"", block + 3)))
        #expect(middle.contains(">\(block) more</a>") && middle.contains(">20 more</a>"), "the rest, before and after, as links")
        #expect(middle.components(separatedBy: "<a href=\"/help/guide/many/\">").count - 1 >= 2, "which lead to the folder")

        let last = try sidebar(count - 1)
        #expect(articleLinks(last) == 20)
        #expect(last.contains(">\(2 * block) more</a>"))
        #expect(last.components(separatedBy: " more</a>").count - 1 == 1, "nothing comes after the last block")
        #expect(last.contains(String(format: "href=\"/help/guide/many/a%03d/\" aria-current=\"page\"", count - 1)))

        // The folder's own page still lists every page.
        let index = try #require(sink.text("guide/many/index.html"))
        #expect(index.components(separatedBy: ">Article ").count - 1 >= count)
    }
}
