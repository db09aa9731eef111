#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Test tones and the measurements that check them. Not for the hot path:
/// `sine` allocates its result.
public enum Tone {
    /// Full scale: a sample of this magnitude is amplitude 1.0.
    public static let fullScale = Double(Int16.max)

    /// A sine wave; `amplitude` is a fraction of full scale (1.0 = ±32767,
    /// larger values clip). `startSample` continues a tone across frames
    /// without a phase jump.
    public static func sine(frequency: Double, amplitude: Double, sampleRate: Int, count: Int, startSample: Int = 0) -> [Int16] {
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        let peak = amplitude * fullScale
        return (0..<max(count, 0)).map { n in
            let value = (peak * sin(step * Double(startSample + n))).rounded()
            return Int16(min(max(value, Double(Int16.min)), Double(Int16.max)))
        }
    }

    /// Root mean square in sample units (a full-scale sine gives 32767/√2); 0 when empty.
    public static func rms(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// Power at one frequency by the Goertzel recurrence, normalized to
    /// (peak amplitude / full scale)²: a full-scale sine at `frequency` gives
    /// ≈ 1.0, one at half scale ≈ 0.25, whatever the block length. The error
    /// from a non-integer number of periods shrinks as 1/N (a few % at 20 ms
    /// of 8 kHz audio); tones away from `frequency` give ≈ 0.
    public static func goertzelPower(_ samples: some Collection<Int16>, frequency: Double, sampleRate: Int) -> Double {
        guard !samples.isEmpty else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var s1 = 0.0, s2 = 0.0
        for sample in samples {
            let s0 = Double(sample) / fullScale + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        // |X(f)|² of the block; a sine of peak A has |X| ≈ A·N/2.
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        let half = Double(samples.count) / 2
        return power / (half * half)
    }
}
