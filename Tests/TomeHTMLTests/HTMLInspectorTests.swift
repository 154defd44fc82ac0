import Testing
import TomeHTML

@Suite struct HTMLInspectorTests {
    @Test func anchorsAndReferences() {
        let links = HTMLInspector.inspect("""
            <a name="create"></a>
            <h2 id="setup">Setup</h2>
            <p>See <a href="../billing/#refunds">refunds</a> and <a href="https://example.com/?a=1&amp;b=2">this</a>.</p>
            <img src="img/diagram.png" alt="">
            <video poster="p.jpg"><source src="v.mp4"></video>
            <span name="ignored">x</span>
            """)
        #expect(links.anchors == [
            HTMLAnchor(name: "create", element: "a", attribute: "name", line: 1),
            HTMLAnchor(name: "setup", element: "h2", attribute: "id", line: 2),
        ])
        #expect(links.anchorNames == ["create", "setup"])
        #expect(links.references == [
            HTMLReference(url: "../billing/#refunds", element: "a", attribute: "href", line: 3),
            HTMLReference(url: "https://example.com/?a=1&b=2", element: "a", attribute: "href", line: 3),
            HTMLReference(url: "img/diagram.png", element: "img", attribute: "src", line: 4),
            HTMLReference(url: "p.jpg", element: "video", attribute: "poster", line: 5),
            HTMLReference(url: "v.mp4", element: "source", attribute: "src", line: 5),
        ])
    }

    @Test func textWithoutMarkupHasNothing() {
        #expect(HTMLInspector.inspect("just text & more") == HTMLLinks())
        #expect(HTMLInspector.inspect("") == HTMLLinks())
    }

    @Test func malformedInputStillInspected() {
        let links = HTMLInspector.inspect("<div id=a><a name=b href=c>x<p id='d'>")
        #expect(links.anchorNames == ["a", "b", "d"])
        #expect(links.references.map(\.url) == ["c"])
    }
}
