extension WAV {
    /// Fixes a recording whose header sizes were never patched because the
    /// process died (they say 0, or the size at the last flush). The audio
    /// is taken to run from the `data` chunk to the end of the file — true
    /// for files we write — and a trailing partial frame is cut off.
    ///
    /// Throws `WAVError` for files that are not WAV (`.notRIFFWAVE`), end
    /// inside their header (`.tooShort`), or cannot be read or written.
    public static func repair(fileAt path: String) throws -> RepairResult {
        let file = try POSIXFile(path: path, writable: true)
        let info = try WAVInfo.read(file)
        let fileBytes = try file.size()

        // Consistent already: the RIFF size matches the file and the declared
        // data fits in it (extra chunks after `data` are then left alone).
        if info.riffBytes == fileBytes - 8,
           info.dataOffset + info.dataBytes <= fileBytes,
           info.dataBytes % info.blockAlign == 0 {
            return .alreadyValid
        }

        let available = fileBytes - info.dataOffset
        let dataBytes = available - available % info.blockAlign
        let riffBytes = info.dataOffset - 8 + dataBytes
        guard riffBytes <= Int(UInt32.max) else { throw WAVError.tooLarge(dataBytes: dataBytes) }

        if info.dataOffset + dataBytes < fileBytes {
            try file.truncate(to: info.dataOffset + dataBytes)
        }
        var riffSize: [UInt8] = []
        append(UInt32(riffBytes), to: &riffSize)
        try file.write(riffSize, at: 4)
        var dataSize: [UInt8] = []
        append(UInt32(dataBytes), to: &dataSize)
        try file.write(dataSize, at: info.dataOffset - 4)
        try file.sync()
        return .repaired(dataBytes: dataBytes)
    }
}
