import Testing
@testable import WebAPI

@Suite struct SVGSanitizerTests {
    func clean(_ text: String) throws -> String { try SVGSanitizer.sanitize(Array(text.utf8)) }

    @Test(arguments: [
        #"<svg xmlns="http://www.w3.org/2000/svg"/onload="alert(1)"><rect/></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(&#x6a;avascript:alert(1))"/></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><image x:href="https://evil.example/p.png"/></svg>"#,
        ##"<svg xmlns="http://www.w3.org/2000/svg"><rect style="background:url(https://evil.example/t)"/><use href="#a"/></svg>"##,
        #"<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" to="javascript:alert(1)"/><set onbegin="alert(1)"/></svg>"#,
        #"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url( data:image/png;base64,AAAA)"/><circle OnClick="alert(1)" r="2"/></svg>"#,
    ])
    func nothingThatRunsOrReachesOutSurvives(_ input: String) throws {
        // Not well-formed XML (a browser's lenient reading of `<svg/onload=…>`) is refused outright.
        guard let output = try? clean(input).lowercased() else {
            #expect(throws: SVGSanitizer.Failure.self) { try clean(input) }
            return
        }
        for forbidden in ["script", "javascript", "onload", "onclick", "onbegin", "href", "foreignobject", "iframe", "image", "evil", "data:", "animate", "style="] {
            #expect(!output.contains(forbidden), "\(forbidden) survived in \(output)")
        }
        #expect(output.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func shapesGradientsAndTextAreKept() throws {
        let logo = ##"""
            <svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64"><defs><linearGradient id="g"><stop offset="0" stop-color="#e8590c"/></linearGradient></defs><rect x="4" y="8" width="48" height="48" rx="12" fill="url(#g)"/><text x="64" y="44" font-size="30">Acme &amp; 呼叫中心</text></svg>
            """##
        let output = try clean(logo)
        #expect(output.contains(##"fill="url(#g)""##))
        #expect(output.contains(#"viewBox="0 0 240 64""#))
        #expect(output.contains("Acme &amp; 呼叫中心"))
        #expect(output.contains("<linearGradient id=\"g\">"))
    }

    @Test func entityDeclarationsAndOtherDocumentsAreRefused() {
        #expect(throws: SVGSanitizer.Failure.entities) {
            try clean(#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e "x">]><svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>"#)
        }
        #expect(throws: SVGSanitizer.Failure.notSVG) { try clean("<html><svg/></html>") }
    }
}
