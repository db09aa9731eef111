import Foundation
import Media
import Testing

@Suite struct MusicOnHoldTests {
    static let track = MusicOnHold.defaultTrack(seconds: 24)

    static func dBFS(_ rms: Double) -> Double { 20 * log10(rms / Tone.fullScale) }

    @Test func theTrackIsTheSameEveryTimeAndAsLongAsAsked() {
        #expect(Self.track.count == 24 * 8000)
        #expect(MusicOnHold.defaultTrack(seconds: 24) == Self.track)
        #expect(MusicOnHold.defaultTrack(seconds: 3).count == 24_000)
        #expect(MusicOnHold.defaultTrack(seconds: 0).isEmpty)
    }

    @Test func itIsNeitherFaintNorClipping() {
        let level = Self.dBFS(Tone.rms(Self.track))
        #expect(level > -28 && level < -14, "RMS \(level) dBFS")
        let peak = Self.track.map { abs(Int($0)) }.max() ?? 0
        #expect(peak < 29_000, "peak \(peak)")
        #expect(peak > 6_000, "peak \(peak)")
    }

    @Test func almostEveryHalfSecondHasSound() {
        let windows = stride(from: 0, to: Self.track.count, by: 4000).map { Self.track[$0..<($0 + 4000)] }
        let quiet = windows.filter { Self.dBFS(Tone.rms($0)) < -40 }
        // Only the fade into the loop point may be quiet.
        #expect(quiet.count <= 1, "\(quiet.count) of \(windows.count) half-seconds below −40 dBFS")
    }

    @Test func itIsMusicNotADrone() {
        // Each 3 s chord has its own bass note: the strongest of C3, A2, F2
        // and G2 changes from chord to chord, and round again.
        let roots: [Double] = [130.81, 110.0, 87.31, 98.0]
        for chord in 0..<8 {
            let slice = Self.track[(chord * 24_000 + 2000)..<(chord * 24_000 + 10_000)]
            let powers = roots.map { Tone.goertzelPower(slice, frequency: $0, sampleRate: 8000) }
            #expect(powers.firstIndex(of: powers.max()!) == chord % 4, "chord \(chord): \(powers)")
        }
    }

    @Test func itLoopsWithoutAClick() {
        // Across the loop point the wave moves no faster than it does inside the track.
        let inside = zip(Self.track, Self.track.dropFirst()).map { abs(Int($1) - Int($0)) }.max() ?? 0
        let across = Array(Self.track.suffix(16) + Self.track.prefix(16))
        let jump = zip(across, across.dropFirst()).map { abs(Int($1) - Int($0)) }.max() ?? 0
        #expect(jump <= 64, "jump \(jump) at the loop point")
        #expect(inside > 10 * jump)
        #expect(Tone.rms(Self.track.suffix(400)) < Tone.rms(Self.track) * 0.01)
    }

    @Test func theDTMFDetectorHearsNoKeyInIt() {
        // Twice round, so the loop point is heard too.
        #expect(DTMFDetector.keys(in: Self.track + Self.track) == "")
    }
}
