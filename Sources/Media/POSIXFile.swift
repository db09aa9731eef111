#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few positioned file calls WAV needs, closing the descriptor on every
/// path. Blocking I/O: for startup repair and tests, never the event loop.
struct POSIXFile: ~Copyable {
    private let fd: Int32

    init(path: String, writable: Bool) throws {
        let fd = open(path, writable ? O_RDWR : O_RDONLY)
        guard fd >= 0 else { throw WAVError.io(operation: "open", errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    func size() throws -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw WAVError.io(operation: "fstat", errno: errno) }
        return Int(info.st_size)
    }

    /// Up to `count` bytes at `offset`; fewer only at end of file.
    func read(count: Int, at offset: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw WAVError.io(operation: "pread", errno: errno) }
            if n == 0 { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw WAVError.io(operation: "pwrite", errno: errno) }
            done += n
        }
    }

    func truncate(to size: Int) throws {
        guard ftruncate(fd, off_t(size)) == 0 else { throw WAVError.io(operation: "ftruncate", errno: errno) }
    }

    /// A repair must survive the next crash too.
    func sync() throws {
        guard fsync(fd) == 0 else { throw WAVError.io(operation: "fsync", errno: errno) }
    }
}
