#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Random 64-bit values for tags, branches and nonces, served from a buffer
/// the kernel's CSPRNG fills 4 KiB at a time. `UInt64.random` makes one
/// getrandom call per value, which showed up under REGISTER load (three
/// values per registration).
public enum RandomPool {
    private struct State {
        var words = [UInt64](repeating: 0, count: 512)
        var next = 512
    }

    private static let state = Mutex(State())

    public static func next() -> UInt64 {
        state.withLock { state in
            if state.next == state.words.count {
                state.words.withUnsafeMutableBytes { fill($0) }
                state.next = 0
            }
            defer { state.next += 1 }
            return state.words[state.next]
        }
    }

    /// glibc 2.36+ and Darwin: one getrandom-backed call for the whole
    /// buffer; it aborts rather than return guessable bytes.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        arc4random_buf(buffer.baseAddress!, buffer.count)
    }
}
