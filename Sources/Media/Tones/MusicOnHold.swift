#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The built-in music on hold: a slow arpeggiated progression synthesized
/// here (so it is ours to ship, with no licence to track), the same on
/// every run.
///
/// Cmaj7 – Am7 – Fmaj7 – G7, one chord per 3 s: an arpeggio of
/// soft piano-like notes (partials 1, 2, 3, 4, the higher ones dying away
/// faster) over a quiet pad and a bass note. Every fundamental lies between
/// 87 and 523 Hz, below DTMF's lowest tone (697 Hz): only weaker overtones
/// reach the DTMF band, so no pair of tones can dominate a block the way a
/// key does. The last 0.75 s fade to silence and the first notes rise from
/// it, so the track loops without a click.
public enum MusicOnHold {
    public static let sampleRate = 8000

    /// `seconds` of music at 8 kHz, ready to loop. Not for the per-frame path:
    /// render it once at start-up.
    public static func defaultTrack(seconds: Int) -> [Int16] {
        let count = max(seconds, 0) * sampleRate
        var mix = [Double](repeating: 0, count: count)
        let chordSamples = 3 * sampleRate
        let noteSamples = chordSamples / 8
        var chordStart = 0
        var index = 0
        while chordStart < count {
            let chord = progression[index % progression.count]
            // Bass: the root, held for the whole chord.
            add(note: chord.notes[0], at: chordStart, length: chordSamples, level: 0.10, decay: 2.5, attack: 0.05, into: &mix)
            // Pad: the upper three notes, slow in and out.
            for note in chord.notes.dropFirst() {
                add(note: note, at: chordStart, length: chordSamples, level: 0.035, decay: 8, attack: 0.8, into: &mix)
            }
            // Arpeggio: up and back down the chord, an octave above.
            for (step, voice) in arpeggio.enumerated() {
                let note = chord.notes[voice % 4] + (voice >= 4 ? 24 : 12)
                let level = step == 0 ? 0.16 : 0.12
                add(note: note, at: chordStart + step * noteSamples, length: 2 * noteSamples, level: level, decay: 0.45, attack: 0.012, into: &mix)
            }
            chordStart += chordSamples
            index += 1
        }
        // Loop point: fade the tail to nothing.
        let fade = min(count, 6000)
        for i in 0..<fade {
            let x = Double(i) / Double(fade)
            mix[count - 1 - i] *= 0.5 - 0.5 * cos(Double.pi * x)
        }
        return mix.map { Int16(clamping: Int(($0 * Tone.fullScale).rounded())) }
    }

    private struct Chord {
        /// MIDI notes: the root (octave 2 or 3) and three more.
        var notes: [Int]
    }

    private static let progression: [Chord] = [
        Chord(notes: [48, 52, 55, 59]),  // Cmaj7
        Chord(notes: [45, 52, 55, 60]),  // Am7
        Chord(notes: [41, 48, 52, 57]),  // Fmaj7
        Chord(notes: [43, 50, 53, 59]),  // G7
    ]

    /// Chord voices per eighth: 0–3 an octave up, 4–5 two octaves up (voices 0–1).
    private static let arpeggio = [0, 1, 2, 3, 4, 3, 2, 1]

    /// Adds one note with an exponential decay (`decay` s to −8.7 dB) and a
    /// raised-cosine attack and release, cut off after `length` samples.
    private static func add(note: Int, at start: Int, length: Int, level: Double, decay: Double, attack: Double, into mix: inout [Double]) {
        let frequency = 440 * pow(2, Double(note - 69) / 12)
        let attackSamples = max(1, Int(attack * Double(sampleRate)))
        let releaseSamples = min(800, length / 4)
        let end = min(start + length, mix.count)
        guard start < end else { return }
        for n in start..<end {
            let t = Double(n - start)
            var envelope = level * exp(-t / (decay * Double(sampleRate)))
            if t < Double(attackSamples) { envelope *= 0.5 - 0.5 * cos(Double.pi * t / Double(attackSamples)) }
            let left = Double(start + length - n)
            if left < Double(releaseSamples) { envelope *= 0.5 - 0.5 * cos(Double.pi * left / Double(releaseSamples)) }
            var value = 0.0
            for (partial, weight) in partials {
                let p = Double(partial)
                guard frequency * p < 3600 else { break }
                // Higher partials fade faster, as on a struck string.
                value += weight * exp(-t * (p - 1) / (0.6 * decay * Double(sampleRate))) * sin(2 * Double.pi * frequency * p * t / Double(sampleRate))
            }
            mix[n] += envelope * value
        }
    }

    private static let partials: [(Int, Double)] = [(1, 1), (2, 0.4), (3, 0.18), (4, 0.08)]
}
