#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How indexing uses the machine: how many threads, and how large the chunks a file is cut into.
///
/// The executable reads it once (from `LOGVIEW_THREADS` and `LOGVIEW_CHUNK_BYTES`) and passes it
/// down; the core keeps no global of its own. One thread means the plain sequential scan.
public struct IndexingOptions: Sendable, Equatable {
    /// Threads to parse with; 1 = sequential.
    public var threads: Int
    /// Bytes per chunk of one file; a file smaller than this is one chunk.
    public var chunkBytes: Int
    /// Bytes a file-backed segment is read in while it is indexed (then dropped); nil: enough for
    /// two chunks per thread, at least `defaultBlockBytes`.
    public var blockBytes: Int?
    /// Whether entries get their correlation keys. Print mode writing text with no request-id
    /// question never reads them: skipping them saves the id table, about a third of the CPU
    /// and 40 B an entry of a full merge.
    public var correlationIDs = true

    public static let defaultChunkBytes = 1 << 20
    /// Small enough that the sources indexed at once hold little (each holds one block), large
    /// enough to give every thread a few chunks.
    public static let defaultBlockBytes = 4 << 20

    public init(threads: Int = IndexingOptions.processorCount, chunkBytes: Int = IndexingOptions.defaultChunkBytes,
        blockBytes: Int? = nil)
    {
        self.threads = max(1, threads)
        self.chunkBytes = max(1, chunkBytes)
        self.blockBytes = blockBytes.map { max(1, $0) }
    }

    /// Options from an environment: `LOGVIEW_THREADS` (a positive count), `LOGVIEW_CHUNK_BYTES` and
    /// `LOGVIEW_BLOCK_BYTES` (positive byte counts); a missing or invalid value keeps the default.
    public init(environment: [String: String]) {
        self.init()
        if let t = environment["LOGVIEW_THREADS"].flatMap(Int.init), t > 0 { threads = t }
        if let c = environment["LOGVIEW_CHUNK_BYTES"].flatMap(Int.init), c > 0 { chunkBytes = c }
        if let b = environment["LOGVIEW_BLOCK_BYTES"].flatMap(Int.init), b > 0 { blockBytes = b }
    }

    /// The read block in effect.
    var readBytes: Int { blockBytes ?? max(Self.defaultBlockBytes, 2 * threads * chunkBytes) }

    /// Processors online now.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
