#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Band-limited sample-rate conversion by a Kaiser-windowed sinc, for
/// loading prompts (not for the per-packet path: it allocates its result).
///
/// Each output sample is the input convolved with a low-pass kernel centred
/// on its (fractional) input position, so any pair of rates works, up or
/// down; the kernels are tabled per position as a polyphase filter bank. The cut-off is 46.25 % of the lower rate (3 700 Hz for 8 kHz
/// out); 32 zero crossings a side and β = 8 give a transition band of about
/// 560 Hz at 44.1 kHz and ≥ 75 dB of stop band: at 8 kHz out, the pass band
/// is flat to ≈ 3.4 kHz and anything above 4 kHz, which would alias, is gone.
enum Resampler {
    static let zeroCrossings = 32
    static let beta = 8.0
    /// Kernel table resolution: points per zero crossing (linearly interpolated).
    static let resolution = 512
    static let cutoffFraction = 0.4625

    /// sinc(u)·kaiser(u / zeroCrossings) for u = i / resolution, i = 0 … zeroCrossings·resolution.
    static let kernel: [Float] = {
        let count = zeroCrossings * resolution
        let i0Beta = besselI0(beta)
        return (0...count).map { i in
            let u = Double(i) / Double(resolution)
            let sinc = i == 0 ? 1 : sin(Double.pi * u) / (Double.pi * u)
            let r = u / Double(zeroCrossings)
            return Float(sinc * besselI0(beta * (max(0, 1 - r * r)).squareRoot()) / i0Beta)
        }
    }()

    static func resample(_ input: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        guard inputRate != outputRate, !input.isEmpty else { return input }
        let outputCount = Int(Int64(input.count) * Int64(outputRate) / Int64(inputRate))
        // Zero crossings every 1 / (2·fc) input samples, fc in cycles per input sample.
        let fc = cutoffFraction * Double(min(inputRate, outputRate)) / Double(inputRate)
        let unitsPerSample = 2 * fc
        let halfWidth = Double(zeroCrossings) / unitsPerSample
        let taps = 2 * Int(halfWidth.rounded(.up)) + 2
        let reach = taps / 2 - 1
        // Output k sits at input position k·in/out = base + phase/phases. For
        // whole-number rates that fraction takes out/gcd values: one weight set
        // (a polyphase branch) per value, or per 1/1024 of a sample if more.
        let divisor = gcd(inputRate, outputRate)
        let exactPhases = outputRate / divisor
        let phases = min(exactPhases, 1024)
        let bank = filterBank(phases: phases, taps: taps, reach: reach, unitsPerSample: unitsPerSample)

        let numerator = Int64(inputRate / divisor)
        let denominator = Int64(exactPhases)
        var output = [Float](repeating: 0, count: outputCount)
        bank.withUnsafeBufferPointer { bank in
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    for k in 0..<outputCount {
                        let position = Int64(k) * numerator
                        var base = Int(position / denominator)
                        var phase = Int((Double(position % denominator) * Double(phases) / Double(denominator)).rounded())
                        if phase == phases {
                            phase = 0
                            base += 1
                        }
                        let weights = phase * taps
                        let first = base - reach
                        var sum: Float = 0
                        if first >= 0, first + taps <= input.count {
                            for t in 0..<taps { sum += bank[weights + t] * input[first + t] }
                        } else {
                            for t in 0..<taps where (0..<input.count).contains(first + t) {
                                sum += bank[weights + t] * input[first + t]
                            }
                        }
                        output[k] = sum
                    }
                }
            }
        }
        return output
    }

    /// `phases` sets of `taps` weights; set p is the kernel centred p/phases
    /// of a sample after tap `reach`, normalized to sum 1 (exact DC gain).
    private static func filterBank(phases: Int, taps: Int, reach: Int, unitsPerSample: Double) -> [Float] {
        let limit = zeroCrossings * resolution
        var bank = [Float](repeating: 0, count: phases * taps)
        for phase in 0..<phases {
            let offset = Double(phase) / Double(phases)
            var weights = [Double](repeating: 0, count: taps)
            for t in 0..<taps {
                let position = abs(Double(t - reach) - offset) * unitsPerSample * Double(resolution)
                let index = Int(position)
                guard index < limit else { continue }
                let fraction = position - Double(index)
                weights[t] = Double(kernel[index]) + Double(kernel[index + 1] - kernel[index]) * fraction
            }
            let sum = weights.reduce(0, +)
            for t in 0..<taps { bank[phase * taps + t] = Float(weights[t] / sum) }
        }
        return bank
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        b == 0 ? a : gcd(b, a % b)
    }

    /// The modified Bessel function of the first kind, order 0, by its series.
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        let quarter = x * x / 4
        for k in 1..<64 {
            term *= quarter / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
