import Testing

@testable import SIP

@Suite struct RandomPoolTests {
    @Test func valuesDoNotRepeatAcrossRefills() {
        // 2,000 draws cross three refills of the 512-value buffer; a stuck or
        // re-served buffer would repeat values (a 64-bit collision by chance
        // is ~1e-13 here).
        let values = (0..<2_000).map { _ in RandomPool.next() }
        #expect(Set(values).count == values.count)
        // Bits are used: not all values share a high half.
        #expect(Set(values.map { $0 >> 32 }).count > 1_900)
    }

    @Test func caseInsensitiveEqualityOnStrings() {
        #expect("Digest".caseInsensitiveEquals("dIGEST"))
        #expect(!"Digest".caseInsensitiveEquals("Digests"))
        #expect(!"tag".caseInsensitiveEquals("tab"))
        #expect("".caseInsensitiveEquals(""))
    }
}
