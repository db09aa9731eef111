import Media
import Testing

@Suite struct StereoInterleaveTests {
    static func interleave(_ left: [Int16], _ right: [Int16], capacity: Int) -> (written: Int, bytes: [UInt8]) {
        var output = [UInt8](repeating: 0xEE, count: capacity)
        let written = left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                output.withUnsafeMutableBytes { StereoInterleave.interleave(left: l, right: r, into: $0) }
            }
        }
        return (written, output)
    }

    @Test func padsTheShorterSideWithSilence() {
        let result = Self.interleave([1, 2, 0x1234], [-1], capacity: 12)
        #expect(result.written == 12)
        #expect(result.bytes == [
            0x01, 0x00, 0xFF, 0xFF,
            0x02, 0x00, 0x00, 0x00,
            0x34, 0x12, 0x00, 0x00,
        ])
    }

    @Test func aLongerRightSideIsKeptToo() {
        let result = Self.interleave([], [5, 6], capacity: 8)
        #expect(result.written == 8)
        #expect(result.bytes == [0, 0, 5, 0, 0, 0, 6, 0])
    }

    @Test func stopsAtTheLastWholeFrameThatFits() {
        let result = Self.interleave([1, 2, 3], [4, 5, 6], capacity: 10)
        #expect(result.written == 8)
        #expect(Array(result.bytes.suffix(2)) == [0xEE, 0xEE])
    }
}
