import Foundation
import Media

/// Writes WAV files byte by byte, in any of the encodings the decoder reads,
/// independently of the code under test.
enum TestWAV {
    enum Encoding {
        case pcm8, pcm16, pcm24, pcm32, float32, float64, alaw, ulaw

        var tag: UInt16 {
            switch self {
            case .pcm8, .pcm16, .pcm24, .pcm32: 1
            case .float32, .float64: 3
            case .alaw: 6
            case .ulaw: 7
            }
        }

        var bytes: Int {
            switch self {
            case .pcm8, .alaw, .ulaw: 1
            case .pcm16: 2
            case .pcm24: 3
            case .pcm32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// `channels[c][n]` in −1…1. `chunksBeforeFormat` / `chunksBeforeData`
    /// are (id, body) pairs written as such (with the pad byte for odd sizes).
    static func make(_ encoding: Encoding, rate: Int, channels: [[Double]], extensible: Bool = false,
                     chunksBeforeFormat: [(String, [UInt8])] = [], chunksBeforeData: [(String, [UInt8])] = []) -> [UInt8] {
        let frames = channels[0].count
        var data: [UInt8] = []
        for n in 0..<frames {
            for channel in channels { data += encode(channel[n], encoding) }
        }
        let blockAlign = channels.count * encoding.bytes
        var fmt: [UInt8] = []
        fmt += le(extensible ? UInt16(0xFFFE) : encoding.tag)
        fmt += le(UInt16(channels.count)) + le(UInt32(rate)) + le(UInt32(rate * blockAlign))
        fmt += le(UInt16(blockAlign)) + le(UInt16(encoding.bytes * 8))
        if extensible {
            fmt += le(UInt16(22)) + le(UInt16(encoding.bytes * 8)) + le(UInt32(channels.count == 2 ? 3 : 4))
            fmt += le(encoding.tag) + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        var body = Array("WAVE".utf8)
        for (id, chunk) in chunksBeforeFormat { body += self.chunk(id, chunk) }
        body += chunk("fmt ", fmt)
        for (id, chunk) in chunksBeforeData { body += self.chunk(id, chunk) }
        body += chunk("data", data)
        return Array("RIFF".utf8) + le(UInt32(body.count)) + body
    }

    static func chunk(_ id: String, _ body: [UInt8]) -> [UInt8] {
        Array(id.utf8) + le(UInt32(body.count)) + body + (body.count % 2 == 1 ? [0] : [])
    }

    static func encode(_ value: Double, _ encoding: Encoding) -> [UInt8] {
        let v = min(max(value, -1), 1)
        let int16 = Int16((v * 32767).rounded())
        switch encoding {
        case .pcm8: return [UInt8(Int((v * 127).rounded()) + 128)]
        case .pcm16: return le(int16)
        case .pcm24:
            let x = Int32((v * 8_388_607).rounded())
            return Array(le(x).prefix(3))
        case .pcm32: return le(Int32((v * 2_147_483_647).rounded()))
        case .float32: return le(Float(v).bitPattern)
        case .float64: return le(v.bitPattern)
        case .alaw: return [G711.linearToAlaw(int16)]
        case .ulaw: return [G711.linearToUlaw(int16)]
        }
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// A sine of peak `amplitude` (fraction of full scale), `seconds` long.
    static func sine(_ frequency: Double, amplitude: Double = 0.5, rate: Int, seconds: Double) -> [Double] {
        (0..<Int(seconds * Double(rate))).map { amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate)) }
    }
}
