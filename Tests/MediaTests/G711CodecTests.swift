import Media
import Testing

@Suite struct G711CodecTests {
    @Test func ulawKnownValuesMatchTheReferenceTables() {
        #expect(G711.ulawToLinear(0xFF) == 0)
        #expect(G711.ulawToLinear(0x00) == -32124)
        #expect(G711.ulawToLinear(0x80) == 32124)
        #expect(G711.linearToUlaw(0) == 0xFF)
    }

    @Test func alawKnownValuesMatchTheReferenceTables() {
        #expect(G711.alawToLinear(0xD5) == 8)
        #expect(G711.alawToLinear(0x55) == -8)
        #expect(G711.alawToLinear(0xAA) == 32256)
        #expect(G711.alawToLinear(0x2A) == -32256)
    }

    @Test func encodingClipsAtFullScale() {
        #expect(G711.linearToUlaw(.max) == 0x80)
        #expect(G711.linearToUlaw(.min) == 0x00)
        #expect(G711.linearToAlaw(.max) == 0xAA)
        #expect(G711.linearToAlaw(.min) == 0x2A)
    }

    /// µ-law has two zeros (+0 = 0xFF, −0 = 0x7F); every other code survives
    /// decode then encode, and 0x7F is the only code sharing a decoded value.
    @Test func ulawRoundTripsEveryCodeExceptNegativeZero() {
        for code in UInt8.min...UInt8.max {
            let back = G711.linearToUlaw(G711.ulawToLinear(code))
            #expect(back == (code == 0x7F ? 0xFF : code), "code \(code)")
        }
        let decoded = Set((UInt8.min...UInt8.max).map(G711.ulawToLinear))
        #expect(decoded.count == 255)
    }

    /// A-law has no negative zero: all 256 codes decode to distinct values.
    @Test func alawRoundTripsEveryCode() {
        for code in UInt8.min...UInt8.max {
            #expect(G711.linearToAlaw(G711.alawToLinear(code)) == code, "code \(code)")
        }
        #expect(Set((UInt8.min...UInt8.max).map(G711.alawToLinear)).count == 256)
    }

    @Test func quantizationErrorStaysWithinRoughlySixPercent() {
        // Logarithmic companding: the step grows with the level, 1/16 of it at most.
        for sample in stride(from: Int(Int16.min), through: Int(Int16.max), by: 7) {
            let s = Int16(sample)
            let ulawError = abs(Int(G711.ulawToLinear(G711.linearToUlaw(s))) - sample)
            let alawError = abs(Int(G711.alawToLinear(G711.linearToAlaw(s))) - sample)
            #expect(ulawError <= max(16, abs(sample) / 16), "µ-law \(sample)")
            #expect(alawError <= max(16, abs(sample) / 16), "A-law \(sample)")
        }
    }
}
