#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Tone {
    /// The level of a full-scale 16-bit sine (peak 32767). G.711's largest
    /// sine, its overload point, is +3.14 dBm0 (A-law; µ-law's is +3.17), and
    /// 16-bit linear audio is that range scaled up, so a sine of peak `A`
    /// sits at `3.14 + 20·log10(A / 32767)` dBm0. Hence 0 dBm0 is peak 22 826
    /// (RMS 16 141), −10 dBm0 peak 7 218, −20 dBm0 peak 2 283, −25 dBm0 peak 1 284.
    /// (Check: the µ-law digital milliwatt of G.711 Table 5 decodes to peaks
    /// of ±20 860 at 3π/8, i.e. a 22 580 sine: within 0.1 dB of this.)
    public static let fullScaleSineDBm0 = 3.14

    /// Peak amplitude, as a fraction of full scale (as `sine` takes it), of
    /// a sine at `dBm0`.
    public static func amplitude(dBm0: Double) -> Double {
        pow(10, (dBm0 - fullScaleSineDBm0) / 20)
    }

    /// The level in dBm0 of a sine whose peak is `amplitude` of full scale.
    public static func dBm0(amplitude: Double) -> Double {
        fullScaleSineDBm0 + 20 * log10(amplitude)
    }
}
