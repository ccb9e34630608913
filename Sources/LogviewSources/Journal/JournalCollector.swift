import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Sorts journal entries into one record-backed source per unit (or syslog identifier) while
/// they are read, and decides per unit which log format its messages are written in.
///
/// The source name is the unit without `.service` (`backend` for `backend.service`), else
/// `SYSLOG_IDENTIFIER`, else `kernel` for kernel messages, else `_COMM`, else `journal`; a kernel
/// message of a module with a source of its own (`wireguard: ...`) is named after the module. The
/// first messages of a unit are held back until its format is known (a Spring Boot line, a
/// uvicorn line, a JSON object...): that format then reads level and request/trace ids from each
/// message; the journal's `__REALTIME_TIMESTAMP` stays authoritative and `PRIORITY` gives the
/// level when the message has none. `REQUEST_ID=` and `TRACE_ID=` fields also feed correlation.
/// Reading one entry allocates nothing once a unit is known, except the array for structured ids.
final class JournalCollector {
    /// Formats chosen per source name, shared with later batches (a followed journal).
    final class FormatMemory {
        /// nil value: the unit's messages are not in any known format.
        var formats: [String: (any LogFormat)?] = [:]
    }

    /// Messages sampled before a unit's format is decided.
    static let sampleSize = 32

    private final class Bucket {
        let name: String
        let key: [UInt8]
        /// nil until the unit's format is decided (its first messages wait in `pending`).
        var builder: RecordSourceBuilder?
        /// `builder != nil`, kept apart: comparing the optional with nil copies the builder.
        var decided = false
        var pending: [Pending] = []
        let details = JournalEntryDetails()
        init(name: String, key: [UInt8]) {
            self.name = name
            self.key = key
        }
        /// Appends in place (a method, so the builder is modified where it is stored, not copied).
        func append(message: UnsafeRawBufferPointer, timestamp: Timestamp, level: Level, ids: [(UnsafeRawBufferPointer, IDKind)]) {
            builder!.append(message: message, timestamp: timestamp, precision: .microseconds, level: level, extraIDs: ids)
        }
        func hasKey(_ kind: UInt8, _ value: UnsafeRawBufferPointer) -> Bool {
            guard key.count == value.count + 1, key[0] == kind else { return false }
            return key.withUnsafeBytes { k in value.count == 0 || memcmp(k.baseAddress! + 1, value.baseAddress!, value.count) == 0 }
        }
    }

    private struct Pending {
        var message: [UInt8]
        var timestamp: Timestamp
        var level: Level
        var ids: [([UInt8], IDKind)]
    }

    /// Kernel modules whose messages (`wireguard: wg0: ...`) are a source of their own, named
    /// after the module, instead of part of `kernel`.
    static let kernelModuleSources = ["wireguard"]

    /// Kernel sources to keep (`kernel`, `wireguard`) when the journal was asked for some
    /// (`journal-kernel[:NAME]`); nil keeps every entry read.
    let keptKernelSources: Set<String>?

    private var buckets: [Bucket] = []
    private var lastBucket = -1
    /// Bucket indices by a hash of their key, so a journal of many units finds its bucket in O(1).
    private var bucketsByHash: [UInt64: [Int]] = [:]
    private let memory: FormatMemory
    private(set) var count = 0

    // Scratch bytes reused for every entry: raw memory, so appending a field is one memcpy.
    private var fieldScratch = ScratchBytes(capacity: 4096)
    private var messageScratch = ScratchBytes(capacity: 1024)

    init(memory: FormatMemory, keptKernelSources: Set<String>? = nil) {
        self.memory = memory
        self.keptKernelSources = keptKernelSources
    }

    deinit {
        fieldScratch.deallocate()
        messageScratch.deallocate()
    }

    /// Reads the reader's current entry into its source. `timestamp` is its realtime in ns.
    func collect(from reader: JournalReader, timestamp: Timestamp) {
        // Work on local copies: closures touching instance properties would pay for dynamic
        // exclusivity checks and retains on every field.
        var fields = fieldScratch, message = messageScratch
        fields.count = 0
        message.count = 0
        defer {
            fieldScratch = fields
            messageScratch = message
        }
        var priority = -1
        // Ranges of the naming and id values inside `fields`.
        var unit = 0..<0, identifier = 0..<0, comm = 0..<0, requestID = 0..<0, traceID = 0..<0
        var kernel = false
        reader.forEachField { field in
            guard let eq = field.firstIndex(of: 0x3D, from: 0) else { return }
            let name = field.slice(0, eq)
            if name.count == 7, name.matches("MESSAGE", at: 0) {
                message.append(field.slice(eq + 1, field.count))
                return
            }
            let valueStart = fields.count + 4 + eq + 1
            let value = valueStart..<(fields.count + 4 + field.count)
            switch name.count {
            case 8 where name.matches("PRIORITY", at: 0):
                if field.count == eq + 2, field[eq + 1] >= 0x30, field[eq + 1] <= 0x37 { priority = Int(field[eq + 1] - 0x30) }
            case 13 where name.matches("_SYSTEMD_UNIT", at: 0): unit = value
            case 17 where name.matches("SYSLOG_IDENTIFIER", at: 0): identifier = value
            case 5 where name.matches("_COMM", at: 0): comm = value
            case 10 where name.matches("REQUEST_ID", at: 0): requestID = value
            case 8 where name.matches("TRACE_ID", at: 0): traceID = value
            case 10 where name.matches("_TRANSPORT", at: 0): kernel = field.count - eq - 1 == 6 && field.slice(eq + 1, field.count).matches("kernel", at: 0)
            default: break
            }
            // The details layout: length (UInt32 LE), then `NAME=value`.
            fields.appendLength(field.count)
            fields.append(field)
        }
        let f = fields.bytes, m = message.bytes
        let module = kernel ? JournalCollector.kernelModule(of: m) : 0
        if kernel, let kept = keptKernelSources, !kept.contains(module > 0 ? JournalCollector.kernelModuleSources[module - 1] : "kernel") {
            return  // the kernel match of `journal-kernel:NAME` also brings the other kernel messages
        }
        // The naming key: a kind byte and a value, so a unit and an identifier of one name stay apart.
        let bucket: Bucket
        if module > 0 {
            bucket = bucketFor(kind: 0x77, m.slice(0, JournalCollector.kernelModuleSources[module - 1].utf8.count))
        } else if !unit.isEmpty, !(unit.count == 10 && f.slice(unit.lowerBound, unit.upperBound).matches("init.scope", at: 0)) {
            bucket = bucketFor(kind: 0x75, f.slice(unit.lowerBound, unit.upperBound))
        } else if !identifier.isEmpty {
            bucket = bucketFor(kind: 0x69, f.slice(identifier.lowerBound, identifier.upperBound))
        } else if kernel {
            bucket = bucketFor(kind: 0x6B, UnsafeRawBufferPointer(start: nil, count: 0))
        } else if !comm.isEmpty {
            bucket = bucketFor(kind: 0x63, f.slice(comm.lowerBound, comm.upperBound))
        } else {
            bucket = bucketFor(kind: 0x6A, UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let level = priority >= 0 ? Level(syslogPriority: priority) : .unknown
        reader.withCursor { bucket.details.append(cursor: $0, fields: f) }
        var ids: [(UnsafeRawBufferPointer, IDKind)] = []
        if !requestID.isEmpty { ids.append((f.slice(requestID.lowerBound, requestID.upperBound), .request)) }
        if !traceID.isEmpty { ids.append((f.slice(traceID.lowerBound, traceID.upperBound), .trace)) }
        if bucket.decided {
            bucket.append(message: m, timestamp: timestamp, level: level, ids: ids)
        } else {
            bucket.pending.append(Pending(message: Array(m), timestamp: timestamp, level: level, ids: ids.map { (Array($0.0), $0.1) }))
            if bucket.pending.count >= JournalCollector.sampleSize { decideFormat(bucket) }
        }
        count += 1
    }

    private func bucketFor(kind: UInt8, _ value: UnsafeRawBufferPointer) -> Bucket {
        if lastBucket >= 0, buckets[lastBucket].hasKey(kind, value) { return buckets[lastBucket] }
        let hash = JournalCollector.keyHash(kind, value)
        if let i = bucketsByHash[hash]?.first(where: { buckets[$0].hasKey(kind, value) }) {
            lastBucket = i
            return buckets[i]
        }
        let key = [kind] + Array(value)
        var name: String
        switch kind {
        case 0x75:
            name = String(decoding: value, as: UTF8.self)
            if name.hasSuffix(".service") { name.removeLast(".service".count) }
        case 0x6B: name = "kernel"
        case 0x6A: name = "journal"
        default: name = String(decoding: value, as: UTF8.self)
        }
        buckets.append(Bucket(name: name, key: key))
        lastBucket = buckets.count - 1
        bucketsByHash[hash, default: []].append(lastBucket)
        if let known = memory.formats[name] {
            buckets[lastBucket].builder = makeBuilder(name, known)
            buckets[lastBucket].decided = true
        }
        return buckets[lastBucket]
    }

    /// 1 + the index in `kernelModuleSources` of the module a kernel message comes from
    /// (`wireguard: ...`), else 0. Does not allocate.
    static func kernelModule(of message: UnsafeRawBufferPointer) -> Int {
        for (k, name) in kernelModuleSources.enumerated() {
            let n = name.utf8.count
            guard message.count > n + 1, message[n] == 0x3A, message[n + 1] == 0x20 else { continue }
            if name.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, message.baseAddress!, n) == 0 }) == true {
                return k + 1
            }
        }
        return 0
    }

    /// FNV-1a of a bucket key (kind byte, value).
    static func keyHash(_ kind: UInt8, _ value: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        for b in value { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }

    private func makeBuilder(_ name: String, _ format: (any LogFormat)?) -> RecordSourceBuilder {
        let parser = format.flatMap { try? $0.makeParser(FormatOptions()) }
        return RecordSourceBuilder(name: name, formatName: format.map { "journal+" + $0.name } ?? "journal", parser: parser)
    }

    /// Formats a unit's messages may be in: every format except the catch-alls (the journal
    /// already gives time and level; syslog and generic would only guess).
    static let messageFormats: [FormatDetector.Candidate] = FormatRegistry.all
        .filter { $0.name != "syslog" && $0.name != FormatDetector.fallbackName }
        .map { FormatDetector.Candidate(format: $0, options: FormatOptions()) }

    private func decideFormat(_ bucket: Bucket) {
        var sample: [UInt8] = []
        for p in bucket.pending {
            let firstLine = p.message.firstIndex(of: 0x0A) ?? p.message.count
            sample.append(contentsOf: p.message[0..<firstLine])
            sample.append(0x0A)
        }
        let chosen = sample.withUnsafeBytes { FormatDetector.detect($0, among: JournalCollector.messageFormats) }
        // A format must start most sampled messages to read them all.
        var format: (any LogFormat)? = nil
        if let (candidate, starts) = chosen, starts * 2 > bucket.pending.count { format = candidate.format }
        memory.formats[bucket.name] = format
        var builder = makeBuilder(bucket.name, format)
        for p in bucket.pending {
            let ids = p.ids
            // Keep the id bytes alive while the builder copies them.
            withIDs(ids) { idBuffers in
                p.message.withUnsafeBytes {
                    builder.append(message: $0, timestamp: p.timestamp, precision: .microseconds, level: p.level, extraIDs: idBuffers)
                }
            }
        }
        bucket.pending = []
        bucket.builder = builder
        bucket.decided = true
    }

    private func withIDs(_ ids: [([UInt8], IDKind)], _ body: ([(UnsafeRawBufferPointer, IDKind)]) -> Void) {
        switch ids.count {
        case 0: body([])
        case 1: ids[0].0.withUnsafeBytes { a in body([(a, ids[0].1)]) }
        default:
            ids[0].0.withUnsafeBytes { a in ids[1].0.withUnsafeBytes { b in body([(a, ids[0].1), (b, ids[1].1)]) } }
        }
    }

    /// Moves every entry of `other` (read from a later part of the same journal) after this
    /// collector's entries, unit by unit, so each unit stays one source.
    func absorb(_ other: JournalCollector) {
        for theirs in other.buckets {
            if !theirs.decided { other.decideFormat(theirs) }
            guard let mine = buckets.first(where: { $0.key == theirs.key }) else {
                buckets.append(theirs)
                let hash = theirs.key.withUnsafeBytes { JournalCollector.keyHash(theirs.key[0], $0.slice(1, $0.count)) }
                bucketsByHash[hash, default: []].append(buckets.count - 1)
                continue
            }
            guard let builder = theirs.builder else { continue }
            theirs.builder = nil
            theirs.decided = false
            if !mine.decided { decideFormat(mine) }
            mine.builder!.append(contentsOf: builder)
            mine.details.append(contentsOf: theirs.details)
        }
        count += other.count
        other.buckets = []
        other.bucketsByHash = [:]
        other.lastBucket = -1
    }

    /// The finished sources (one per unit or identifier, in order of first appearance), each
    /// labelled `label` (what was read: `journal`, `journal-file:/x`).
    func finish(label: String) -> [SourceIndex] {
        var out: [SourceIndex] = []
        for bucket in buckets {
            if !bucket.decided { decideFormat(bucket) }
            guard let builder = bucket.builder, builder.count > 0 else { continue }
            bucket.builder = nil
            bucket.decided = false
            out.append(builder.finish(label: label, details: bucket.details))
        }
        buckets = []
        bucketsByHash = [:]
        lastBucket = -1
        return out
    }
}

/// A growable byte buffer on raw memory for per-entry scratch: appending is a bounds check and a
/// memcpy, with none of Array's uniqueness checks. A value type holding a pointer: the owner
/// deallocates it once.
struct ScratchBytes {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        self.capacity = capacity
    }

    func deallocate() { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ b: UnsafeRawBufferPointer) {
        reserve(b.count)
        if b.count > 0 { (base + count).copyMemory(from: b.baseAddress!, byteCount: b.count) }
        count += b.count
    }

    @inline(__always)
    mutating func appendLength(_ n: Int) {
        reserve(4)
        (base + count).storeBytes(of: UInt32(truncatingIfNeeded: n).littleEndian, as: UInt32.self)
        count += 4
    }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        var size = capacity * 2
        while size < count + n { size *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = size
    }
}
