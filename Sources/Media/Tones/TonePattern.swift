#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A call-progress tone: up to a few frequencies summed, switched on and
/// off by a cadence. One period of the sum is tabled at creation (whole-Hz
/// frequencies at 8 kHz repeat within a second), so a `TonePlayer` only
/// copies samples.
public struct TonePattern: Hashable, Sendable {
    public static let sampleRate = 8000
    /// Each burst starts and ends with a 4 ms linear ramp, so switching
    /// makes no click.
    public static let rampSamples = 32

    public let frequencies: [Int]
    /// The level of each frequency, in dBm0 (see `Tone.amplitude(dBm0:)`).
    public let dBm0: Double
    /// Alternating on and off durations in samples, starting with on.
    public let cadence: [Int]
    /// Repeat the cadence for ever, or play it once and fall silent.
    public let repeats: Bool
    /// One period of the summed tone.
    let table: [Int16]

    /// - Parameter cadenceMilliseconds: on, off, on, off… ; empty for a steady tone.
    public init(frequencies: [Int], dBm0: Double, cadenceMilliseconds: [Int], repeats: Bool = true) {
        precondition(frequencies.allSatisfy { (1..<(Self.sampleRate / 2)).contains($0) }, "tone frequencies must lie in 1 Hz ..< 4 kHz")
        precondition(cadenceMilliseconds.allSatisfy { $0 >= 0 }, "negative cadence")
        precondition(cadenceMilliseconds.isEmpty || cadenceMilliseconds.reduce(0, +) > 0, "a cadence must last")
        self.frequencies = frequencies
        self.dBm0 = dBm0
        self.cadence = cadenceMilliseconds.map { $0 * Self.sampleRate / 1000 }
        self.repeats = repeats
        let period = frequencies.reduce(Self.sampleRate) { Self.gcd($0, $1) }
        let length = Self.sampleRate / period
        let peak = Tone.amplitude(dBm0: dBm0) * Tone.fullScale
        table = (0..<(frequencies.isEmpty ? 1 : length)).map { n in
            let value = frequencies.reduce(0.0) { sum, f in
                sum + peak * sin(2 * Double.pi * Double(f) * Double(n) / Double(Self.sampleRate))
            }
            return Int16(clamping: Int(value.rounded()))
        }
    }

    /// China (ITU-T E.180 Supplement 2 cadences): 450 Hz, 1 s on, 4 s off, at −10 dBm0.
    public static let ringbackChina = TonePattern(frequencies: [450], dBm0: -10, cadenceMilliseconds: [1000, 4000])
    /// North America (precise tone plan): 440 + 480 Hz, 2 s on, 4 s off, −19 dBm0 each.
    public static let ringbackUS = TonePattern(frequencies: [440, 480], dBm0: -19, cadenceMilliseconds: [2000, 4000])
    /// China (E.180 Suppl. 2): 450 Hz, 0.35 s on, 0.35 s off, at −10 dBm0.
    public static let busyChina = TonePattern(frequencies: [450], dBm0: -10, cadenceMilliseconds: [350, 350])
    /// North America: 480 + 620 Hz, 0.5 s on, 0.5 s off, −24 dBm0 each.
    public static let busyUS = TonePattern(frequencies: [480, 620], dBm0: -24, cadenceMilliseconds: [500, 500])
    /// A short confirmation: 1 kHz for 150 ms, once.
    public static let confirmationBeep = TonePattern(frequencies: [1000], dBm0: -12, cadenceMilliseconds: [150], repeats: false)
    public static let silence = TonePattern(frequencies: [], dBm0: 0, cadenceMilliseconds: [])

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        b == 0 ? a : gcd(b, a % b)
    }
}
