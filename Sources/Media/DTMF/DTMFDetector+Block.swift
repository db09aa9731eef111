#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-block checks. Powers are Goertzel powers normalized like
/// `Tone.goertzelPower`: a tone of peak amplitude `a` (fraction of full
/// scale) gives `a²`, so thresholds read as levels.
extension DTMFDetector {
    /// Q.23 low ("row") and high ("column") groups, in Hz.
    static let rows: SIMD4<Float> = [697, 770, 852, 941]
    static let columns: SIMD4<Float> = [1209, 1336, 1477, 1633]
    /// RFC 4733 event codes by row then column: 1 2 3 A / 4 5 6 B / 7 8 9 C / * 0 # D.
    static let codes: [Int] = [1, 2, 3, 12, 4, 5, 6, 13, 7, 8, 9, 14, 10, 0, 11, 15]

    /// Each tone at least −36 dBm0 (peak 0.0111 of full scale).
    static let minimumPower = Float(Tone.amplitude(dBm0: -36) * Tone.amplitude(dBm0: -36))
    /// Twist: the row tone may be up to 8 dB above the column tone ("normal"
    /// twist: lines lose more at high frequencies), the column tone up to
    /// 4 dB above the row tone ("reverse"), as in Asterisk and spandsp. The
    /// thresholds sit 2 dB beyond those limits because one 12.75 ms block
    /// measures twist only to ±1.9 dB (the stronger tone's side lobes fall
    /// on the weaker one's frequency); pairs 4 dB beyond them never pass.
    static let normalTwist = Float(pow(10, 10.0 / 10))
    static let reverseTwist = Float(pow(10, 6.0 / 10))
    /// Every other tone of a group at least 6 dB below the group's
    /// strongest: a tone between two DTMF frequencies (±3–5 % off) fails
    /// here. (8 dB, as Asterisk has it, rejected some pairs at 8 dB twist,
    /// whose strong row tone leaks up to −7.8 dB into the weak column's neighbours.)
    static let relativePeak = Float(pow(10, -6.0 / 10))
    /// The two tones carry at least 75 % of the block's energy. A clean pair
    /// gives ≈ 100 %, one detuned by ±1.5 % ≥ 79 %, a block only 63 % covered
    /// by a tone ≤ 65 %, and the spoken fixtures' blocks at most 57 %.
    static let toneToTotal: Float = 0.75
    /// Each fundamental above its second harmonic: a row tone by 2.3 dB only,
    /// because with 78 Hz resolution a column tone leaks into 2 × row
    /// (1 394 Hz is 58 Hz from 1 336 Hz); a column tone by 18 dB (Asterisk's
    /// values). Voiced speech and instruments are rich in harmonics.
    static let rowHarmonic: Float = 1.7
    static let columnHarmonic: Float = 63

    static let rowCoefficients = coefficients(rows)
    static let columnCoefficients = coefficients(columns)
    static let rowHarmonicCoefficients = coefficients(rows * 2)
    static let columnHarmonicCoefficients = coefficients(columns * 2)

    /// The event code (0…15) one block holds, or −1.
    static func classify(_ block: UnsafeBufferPointer<Float>) -> Int {
        var energy: Float = 0
        for x in block { energy += x * x }
        energy /= Float(block.count)
        guard energy > 0 else { return -1 }

        let rowPowers = powers(block, rowCoefficients)
        let columnPowers = powers(block, columnCoefficients)
        let (row, rowPower) = strongest(rowPowers)
        let (column, columnPower) = strongest(columnPowers)
        guard rowPower >= minimumPower, columnPower >= minimumPower,
              columnPower <= rowPower * reverseTwist,
              rowPower <= columnPower * normalTwist,
              isClearPeak(rowPowers, best: row),
              isClearPeak(columnPowers, best: column),
              // A sine of power a² has energy a²/2 per sample.
              (rowPower + columnPower) / 2 >= toneToTotal * energy
        else { return -1 }
        let harmonics = powers(block, SIMD4(rowHarmonicCoefficients[row], columnHarmonicCoefficients[column], 0, 0))
        guard harmonics[0] * rowHarmonic <= rowPower,
              harmonics[1] * columnHarmonic <= columnPower
        else { return -1 }
        return codes[row * 4 + column]
    }

    private static func strongest(_ powers: SIMD4<Float>) -> (Int, Float) {
        var best = 0
        for index in 1..<4 where powers[index] > powers[best] { best = index }
        return (best, powers[best])
    }

    private static func isClearPeak(_ powers: SIMD4<Float>, best: Int) -> Bool {
        for index in 0..<4 where index != best && powers[index] > powers[best] * relativePeak { return false }
        return true
    }

    /// |X(f)|² / (N/2)² at four frequencies at once, by the Goertzel recurrence.
    static func powers(_ block: UnsafeBufferPointer<Float>, _ coefficients: SIMD4<Float>) -> SIMD4<Float> {
        var s1 = SIMD4<Float>()
        var s2 = SIMD4<Float>()
        for x in block {
            let s0 = coefficients * s1 - s2 + x
            s2 = s1
            s1 = s0
        }
        let half = Float(block.count) / 2
        return (s1 * s1 + s2 * s2 - coefficients * s1 * s2) / (half * half)
    }

    private static func coefficients(_ frequencies: SIMD4<Float>) -> SIMD4<Float> {
        var result = SIMD4<Float>()
        for i in 0..<4 { result[i] = 2 * cos(2 * Float.pi * frequencies[i] / 8000) }
        return result
    }
}
