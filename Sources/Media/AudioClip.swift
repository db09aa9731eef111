/// Audio to play to a phone — a prompt, music on hold — as 8 kHz mono
/// 16-bit samples, loaded once and shared by every call that plays it.
public final class AudioClip: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let samples: [Int16]

    public init(name: String, samples: [Int16]) {
        self.name = name
        self.samples = samples
    }

    public var description: String { "\(name) (\(samples.count / 8000) s)" }

    public static func == (lhs: AudioClip, rhs: AudioClip) -> Bool { lhs === rhs }
}
