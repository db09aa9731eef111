import Foundation
import Media

/// Deterministic test signals: generated in Double, quantized once.
enum Signals {
    static let rate = 8000.0

    /// Q.23 frequencies for a key, written out here rather than taken from the detector.
    static func frequencies(of key: Character) -> (row: Double, column: Double) {
        let rows = ["123A", "456B", "789C", "*0#D"]
        let rowHz: [Double] = [697, 770, 852, 941]
        let columnHz: [Double] = [1209, 1336, 1477, 1633]
        for (r, keys) in rows.enumerated() {
            if let c = keys.firstIndex(of: key) { return (rowHz[r], columnHz[keys.distance(from: keys.startIndex, to: c)]) }
        }
        fatalError("not a DTMF key: \(key)")
    }

    static func silence(ms: Double) -> [Double] {
        [Double](repeating: 0, count: samples(ms))
    }

    static func samples(_ ms: Double) -> Int { Int((ms * rate / 1000).rounded()) }

    /// A sine in sample units (full scale 32767) at a level in dBm0.
    static func sine(_ frequency: Double, ms: Double, dBm0: Double, phase: Double = 0) -> [Double] {
        let peak = Tone.amplitude(dBm0: dBm0) * Tone.fullScale
        let step = 2 * Double.pi * frequency / rate
        return (0..<samples(ms)).map { peak * sin(step * Double($0) + phase) }
    }

    /// A DTMF key: the row tone at `dBm0`, the column tone `columnOverRow` dB
    /// louder; either tone may be detuned by a factor.
    static func dtmf(_ key: Character, ms: Double, dBm0: Double = -20, columnOverRow: Double = 0,
                     rowFactor: Double = 1, columnFactor: Double = 1, phase: Double = 0) -> [Double] {
        let (row, column) = frequencies(of: key)
        return add(sine(row * rowFactor, ms: ms, dBm0: dBm0, phase: phase),
                   sine(column * columnFactor, ms: ms, dBm0: dBm0 + columnOverRow, phase: 2.1 * phase + 0.7))
    }

    /// Element-wise sum; the result is as long as the longer input.
    static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        (0..<max(a.count, b.count)).map { (($0 < a.count) ? a[$0] : 0) + (($0 < b.count) ? b[$0] : 0) }
    }

    static func power(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
    }

    /// Gaussian noise of the given power (in sample units squared).
    static func whiteNoise(count: Int, power: Double, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed)
        let sigma = power.squareRoot()
        return (0..<count).map { _ in sigma * random.gaussian() }
    }

    /// `noise` scaled so that `signal`'s power over its non-silent part is
    /// `snr` dB above it, then added (looped or cut to the signal's length).
    static func addNoise(_ noise: [Double], to signal: [Double], snr: Double) -> [Double] {
        let active = signal.filter { $0 != 0 }
        let scale = (power(active) / power(noise) / pow(10, snr / 10)).squareRoot()
        return signal.indices.map { signal[$0] + scale * noise[$0 % noise.count] }
    }

    static func quantize(_ x: [Double]) -> [Int16] {
        x.map { Int16(max(min($0.rounded(), 32767), -32768)) }
    }
}

/// A small deterministic generator (Steele, Lea & Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal deviate (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
