/// Joins the two legs of a call into one stereo recording: caller left,
/// callee right, so each side can be heard (and transcribed) on its own.
public enum StereoInterleave {
    /// Writes little-endian L/R frames, as many as the longer side has (the
    /// shorter side is padded with silence) and `into` can hold; returns the
    /// bytes written (4 per frame).
    public static func interleave(
        left: UnsafeBufferPointer<Int16>,
        right: UnsafeBufferPointer<Int16>,
        into output: UnsafeMutableRawBufferPointer
    ) -> Int {
        let frames = min(max(left.count, right.count), output.count / 4)
        for frame in 0..<frames {
            let l = frame < left.count ? left[frame] : 0
            let r = frame < right.count ? right[frame] : 0
            output.storeBytes(of: l.littleEndian, toByteOffset: frame * 4, as: Int16.self)
            output.storeBytes(of: r.littleEndian, toByteOffset: frame * 4 + 2, as: Int16.self)
        }
        return frames * 4
    }
}
