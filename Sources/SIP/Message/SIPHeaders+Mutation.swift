import NIOCore

/// Editing for the B2BUA: new lines are appended to the storage buffer, so
/// offsets of the received lines stay valid and untouched lines are written
/// back verbatim.
extension SIPHeaders {
    /// Appends a line at the end.
    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        entries.append(makeEntry(name: name.canonical, value: value))
    }

    /// Appends a line, keeping the spelling of `name` (for example a compact form).
    public mutating func add(_ name: String, _ value: String) {
        entries.append(makeEntry(name: name, value: value))
    }

    /// Inserts a line at a position in the header list.
    public mutating func insert(_ name: SIPHeaderName, _ value: String, at index: Int) {
        entries.insert(makeEntry(name: name.canonical, value: value), at: Swift.min(Swift.max(index, 0), entries.count))
    }

    /// Inserts a line before the first line of the same header, or at the top
    /// when there is none (a new Via or Record-Route goes first, RFC 3261 §16.6).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let index = entries.firstIndex { matches($0, name) } ?? 0
        insert(name, value, at: index)
    }

    /// Removes every line of a header; returns how many were removed.
    @discardableResult
    public mutating func remove(_ name: SIPHeaderName) -> Int {
        let before = entries.count
        let kept = entries.filter { !matches($0, name) }
        entries = kept
        return before - kept.count
    }

    public mutating func remove(at index: Int) {
        entries.remove(at: index)
    }

    /// Replaces every line of a header with one line holding `value`, at the
    /// position of the first one (or at the end when absent).
    public mutating func replace(_ name: SIPHeaderName, with value: String) {
        let entry = makeEntry(name: name.canonical, value: value)
        if let first = entries.firstIndex(where: { matches($0, name) }) {
            entries[first] = entry
            var i = entries.count - 1
            while i > first {
                if matches(entries[i], name) { entries.remove(at: i) }
                i -= 1
            }
        } else {
            entries.append(entry)
        }
    }

    /// Replaces the first value of a list header (the topmost Via), splitting
    /// a line that carries several values so the others are kept.
    public mutating func replaceFirstValue(_ name: SIPHeaderName, with value: String) {
        guard let index = entries.firstIndex(where: { matches($0, name) }) else {
            add(name, value)
            return
        }
        let rest = remainingValues(of: entries[index])
        let written = writtenName(of: entries[index])
        entries[index] = makeEntry(name: written, value: value)
        if let rest { entries.insert(makeEntry(name: written, value: rest), at: index + 1) }
    }

    /// Removes the first value of a list header (a proxy popping its Via).
    public mutating func removeFirstValue(_ name: SIPHeaderName) {
        guard let index = entries.firstIndex(where: { matches($0, name) }) else { return }
        let rest = remainingValues(of: entries[index])
        let written = writtenName(of: entries[index])
        if let rest {
            entries[index] = makeEntry(name: written, value: rest)
        } else {
            entries.remove(at: index)
        }
    }

    private func remainingValues(of entry: Entry) -> String? {
        let parts = splitAtTopLevelCommas(valueBytes(of: entry)[...])
        guard parts.count > 1 else { return nil }
        return parts.dropFirst().map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
    }

    /// Appends a line of `source` (value unfolded and trimmed) copied byte
    /// for byte without a String between, under `name` or else the name as
    /// written; `tag` is appended as a `;tag=` parameter when given.
    /// Responses copy Via, From, To, Call-ID and CSeq this way.
    mutating func appendCopy(of e: Entry, from source: SIPHeaders, as name: SIPHeaderName? = nil, tag: String? = nil) {
        let lineStart = storage.writerIndex
        if let name {
            storage.writeString(name.canonical)
        } else {
            source.storage.withUnsafeReadableBytes { raw in
                _ = storage.writeBytes(UnsafeRawBufferPointer(rebasing: raw[Int(e.lineStart)..<Int(e.nameEnd)]))
            }
        }
        let nameEnd = storage.writerIndex
        storage.writeStaticString(": ")
        let valueStart = storage.writerIndex
        if e.folded {
            storage.writeBytes(source.valueBytes(of: e))
        } else {
            source.withTrimmedValue(of: e) { _ = storage.writeBytes($0) }
        }
        if let tag {
            storage.writeStaticString(";tag=")
            storage.writeString(tag)
        }
        entries.append(Entry(
            lineStart: Int32(lineStart - storage.readerIndex),
            nameEnd: Int32(nameEnd - storage.readerIndex),
            valueStart: Int32(valueStart - storage.readerIndex),
            valueEnd: Int32(storage.writerIndex - storage.readerIndex),
            id: e.id,
            folded: false
        ))
    }

    private mutating func makeEntry(name: String, value: String) -> Entry {
        // A CR or LF in a value would inject lines; RFC 3261 values never hold one unfolded.
        let hasLineBreak = value.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == ASCII.cr || $0 == ASCII.lf }
        } ?? value.utf8.contains { $0 == ASCII.cr || $0 == ASCII.lf }
        let safeValue = hasLineBreak
            ? String(decoding: value.utf8.map { $0 == ASCII.cr || $0 == ASCII.lf ? ASCII.sp : $0 }, as: UTF8.self)
            : value
        let lineStart = storage.writerIndex
        storage.writeString(name)
        let nameEnd = storage.writerIndex
        storage.writeStaticString(": ")
        let valueStart = storage.writerIndex
        storage.writeString(safeValue)
        var nameCopy = name
        let id = nameCopy.withUTF8 { SIPHeaderName.identify(UnsafeRawBufferPointer($0)) }
        return Entry(
            lineStart: Int32(lineStart - storage.readerIndex),
            nameEnd: Int32(nameEnd - storage.readerIndex),
            valueStart: Int32(valueStart - storage.readerIndex),
            valueEnd: Int32(storage.writerIndex - storage.readerIndex),
            id: id,
            folded: false
        )
    }
}
