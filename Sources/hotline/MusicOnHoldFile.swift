import Foundation
import Logging
import Media

/// Music on hold comes from `DATA/moh/default.wav`: any common WAV (any
/// rate, mono or stereo) an administrator puts there. On first start the
/// project's own generated piece is written there, so there is always
/// music and never a copyrighted file shipped with the program.
enum MusicOnHoldFile {
    static func load(dataDirectory: String, logger: Logger) throws -> AudioClip {
        let folder = dataDirectory + "/moh"
        let path = folder + "/default.wav"
        if !FileManager.default.fileExists(atPath: path) {
            // 48 s: four times round the piece's 12 s chord cycle, so the loop is musical too.
            let samples = MusicOnHold.defaultTrack(seconds: 48)
            var bytes = WAV.header(channels: 1, sampleRate: 8000, bitsPerSample: 16, dataBytes: UInt32(samples.count * 2))
            for sample in samples { withUnsafeBytes(of: sample.littleEndian) { bytes.append(contentsOf: $0) } }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        do {
            return AudioClip(name: "default", samples: try AudioFile.loadPrompt(path: path, maximumSeconds: 1800))
        } catch {
            // A broken file must not stop the PBX: the generated piece plays instead.
            logger.error("music on hold cannot be read; playing the built-in piece", metadata: ["path": "\(path)", "error": "\(error)"])
            return AudioClip(name: "built-in", samples: MusicOnHold.defaultTrack(seconds: 48))
        }
    }
}
