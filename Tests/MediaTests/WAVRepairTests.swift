import Media
import Testing

@Suite struct WAVRepairTests {
    static func stereoHeader(dataBytes: UInt32) -> [UInt8] {
        WAV.header(channels: 2, sampleRate: 8000, bitsPerSample: 16, dataBytes: dataBytes)
    }

    @Test func headerSayingZeroIsRepairedToWholeFramesAndTheTailIsCut() throws {
        let audio = (0..<1001).map { UInt8(truncatingIfNeeded: $0) }
        let file = try WAVTestFile(Self.stereoHeader(dataBytes: 0) + audio)
        defer { file.remove() }

        #expect(try WAV.repair(fileAt: file.path) == .repaired(dataBytes: 1000))
        let bytes = try file.bytes()
        #expect(bytes.count == 1044)
        #expect(Array(bytes.prefix(44)) == Self.stereoHeader(dataBytes: 1000))
        #expect(Array(bytes.dropFirst(44)) == Array(audio.prefix(1000)))
        #expect(try WAVInfo.read(path: file.path).dataBytes == 1000)
    }

    @Test func staleSizesFromTheLastFlushAreRepaired() throws {
        let file = try WAVTestFile(Self.stereoHeader(dataBytes: 400) + [UInt8](repeating: 7, count: 800))
        defer { file.remove() }
        #expect(try WAV.repair(fileAt: file.path) == .repaired(dataBytes: 800))
        #expect(Array(try file.bytes().prefix(44)) == Self.stereoHeader(dataBytes: 800))
    }

    @Test func consistentFilesAreLeftAlone() throws {
        let complete = try WAVTestFile(Self.stereoHeader(dataBytes: 8) + [UInt8](repeating: 3, count: 8))
        let empty = try WAVTestFile(Self.stereoHeader(dataBytes: 0))
        defer { complete.remove(); empty.remove() }
        #expect(try WAV.repair(fileAt: complete.path) == .alreadyValid)
        #expect(try WAV.repair(fileAt: empty.path) == .alreadyValid)
        #expect(try complete.bytes().count == 52)
    }

    @Test func repairingTwiceFindsTheFileValid() throws {
        let file = try WAVTestFile(Self.stereoHeader(dataBytes: 0) + [UInt8](repeating: 1, count: 10))
        defer { file.remove() }
        #expect(try WAV.repair(fileAt: file.path) == .repaired(dataBytes: 8))
        #expect(try WAV.repair(fileAt: file.path) == .alreadyValid)
    }

    @Test func garbageIsNotAWAV() throws {
        let file = try WAVTestFile(Array("this is a text file, not audio at all, long enough to pass".utf8))
        defer { file.remove() }
        #expect(throws: WAVError.notRIFFWAVE) { try WAV.repair(fileAt: file.path) }
    }

    @Test func filesEndingInsideTheHeaderAreTooShort() throws {
        let signatureOnly = try WAVTestFile(Array("RIFF".utf8) + [0, 0])
        let cutInFmt = try WAVTestFile(Array(Self.stereoHeader(dataBytes: 0).prefix(30)))
        defer { signatureOnly.remove(); cutInFmt.remove() }
        #expect(throws: WAVError.tooShort(fileBytes: 6)) { try WAV.repair(fileAt: signatureOnly.path) }
        #expect(throws: WAVError.tooShort(fileBytes: 30)) { try WAV.repair(fileAt: cutInFmt.path) }
    }

    @Test func aMissingFileIsAnIOError() {
        #expect {
            try WAV.repair(fileAt: "/nonexistent/hotline-media-test.wav")
        } throws: { error in
            guard case .io(let operation, _)? = error as? WAVError else { return false }
            return operation == "open"
        }
    }
}
