import Foundation

/// The committed audio fixtures (Tests/MediaTests/Fixtures, see its README).
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureError(name: name)
        }
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: url(name)))
    }

    /// The samples of an 8 kHz mono 16-bit PCM WAV, found by walking its
    /// chunks (independently of the decoder under test).
    static func speech(_ name: String) throws -> [Int16] {
        let bytes = try bytes(name)
        var offset = 12
        while offset + 8 <= bytes.count {
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            if bytes[offset..<offset + 4].elementsEqual("data".utf8) {
                let end = min(bytes.count, offset + 8 + size)
                return stride(from: offset + 8, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
            }
            offset += 8 + size + (size & 1)
        }
        throw FixtureError(name: name)
    }

    struct FixtureError: Error { var name: String }
}
