@testable import LogviewCore
import TestSupport
import Testing

/// The chunked, parallel scan against the sequential one, on hand-made logs whose multi-line
/// entries are split by chunk boundaries at every possible byte.
@Suite struct ChunkedScanTests {
    static let postgres = """
        2026-01-30 14:00:00.081 KST [50239] app@appdb LOG:  duration: 1.705 ms  execute <unnamed>: SELECT o.id,
        \t       o.status /*request_id='8eb9df6be068e984f595c33a24132b5d'*/
        2026-01-30 14:00:00.081 KST [50239] app@appdb DETAIL:  parameters: $1 = 'KRW'
        2026-01-30 14:00:00.090 KST [50132] app@appdb ERROR:  duplicate key value violates unique constraint "users_pkey"
        2026-01-30 14:00:00.090 KST [50132] app@appdb DETAIL:  Key (id)=(7) already exists.
        2026-01-30 14:00:00.090 KST [50132] app@appdb STATEMENT:  insert into users values ($1)
        \t /*request_id='caf13661f008116839acc6c91f593430'*/
        2026-01-30 14:00:00.168 KST [812] LOG:  checkpoint starting: time
        2026-01-30 14:00:00.170 KST [50239] app@appdb DETAIL:  a DETAIL of another backend starts its own entry

        """

    static let spring = """
        2026-01-30T14:00:04.411+09:00 ERROR 50717 --- [api] [exec-2] [0dd8ef3e3ffa046ad743255c439e4996-45e9d9c0a4566179] [requestId=fcd8a319446bb66695d4c92d9603a5f8] c.e.Handler  : failed
        org.springframework.web.client.HttpServerErrorException: 500 Internal Server Error
        \tat org.springframework.web.client.HttpServerErrorException.create(HttpServerErrorException.java:102)
        \tat org.springframework.web.client.StatusHandler.lambda(StatusHandler.java:86)
        2026-01-30T14:00:05.332+09:00  INFO 50717 --- [api] [exec-6] [15290637ddf45cfc456dd9f0b8f65bd2-049cef7302ad04b0] [requestId=fecc3ef422d98c9f8f95f2a03fa7c2f9] c.e.Auth  : Login

        """

    static let python = """
        2026-01-30 14:00:08,750 ERROR    [2303] [app.llm] [5ad5772a713c8705df4e68344d57f1b6] generation failed
        Traceback (most recent call last):
          File "/srv/ai/app/routes/chat.py", line 57, in chat
            result = await llm.generate(prompt)
        RuntimeError: CUDA out of memory
        2026-01-30 14:00:09,001 INFO     [2303] [app.main] [f53e7393e280cfc75a431913846e836f] done

        """

    static func format(_ name: String) -> any LogFormat { FormatRegistry.format(named: name)! }

    static func index(_ text: String, format: any LogFormat, threads: Int, chunkBytes: Int) throws -> SourceIndex {
        try SourceIndexer.index(
            name: "t", format: format, options: FormatOptions(zone: ZoneRules(fixedOffset: 32_400, name: "KST")),
            segments: [Fixture.segment(text)], indexing: IndexingOptions(threads: threads, chunkBytes: chunkBytes))
    }

    /// Every column of every entry, ids as text, so two indexes compare whole.
    static func rows(_ s: SourceIndex) -> [String] {
        let e = s.entries
        return (0..<e.count).map { i in
            let ids = e.keys(of: i).map { s.localIDs.text(of: $0) }.joined(separator: ",")
            return "\(e.timestamps[i]) \(e.segments[i]) \(e.offsets[i]) \(e.lengths[i]) \(e.lines[i]) \(e.lineCounts[i]) "
                + "\(e.meta[i]) \(e.messageStarts[i]) \(e.sessions[i]) [\(ids)] \(e.requests[i].map { "\($0.matchHash)" } ?? "-")"
        }
    }

    @Test func postgresGroupsStayWholeAtEveryChunkBoundary() throws {
        let sequential = try Self.index(Self.postgres, format: Self.format("postgresql"), threads: 1, chunkBytes: 1)
        // The LOG with its tab line and DETAIL, the ERROR with DETAIL, STATEMENT and its tab line,
        // the checkpoint, and the DETAIL of a backend with no open entry.
        #expect(sequential.entries.lines == [1, 4, 8, 9])
        #expect(sequential.entries.lineCounts == [3, 4, 1, 1])
        #expect(sequential.entries.sessions == [50239, 50132, 812, 50239])
        #expect(Self.rows(sequential)[1].contains("[caf13661f008116839acc6c91f593430]"))
        let expected = Self.rows(sequential)
        for chunk in 1...Self.postgres.utf8.count {
            let chunked = try Self.index(Self.postgres, format: Self.format("postgresql"), threads: 3, chunkBytes: chunk)
            #expect(Self.rows(chunked) == expected, "chunkBytes \(chunk)")
        }
    }

    @Test func stackTracesStayWholeAtEveryChunkBoundary() throws {
        for (text, name, counts) in [(Self.spring, "spring-boot", [4, 1]), (Self.python, "python", [5, 1])] as [(String, String, [UInt32])] {
            let sequential = try Self.index(text, format: Self.format(name), threads: 1, chunkBytes: 1)
            #expect(sequential.entries.lineCounts == counts)
            let expected = Self.rows(sequential)
            for chunk in 1...text.utf8.count {
                let chunked = try Self.index(text, format: Self.format(name), threads: 2, chunkBytes: chunk)
                #expect(Self.rows(chunked) == expected, "\(name) chunkBytes \(chunk)")
            }
        }
    }

    @Test func leadingContinuationLinesStayAnOrphanDatedByTheNextEntry() throws {
        let text = "\tat x.y(Z.java:1)\n\tat a.b(C.java:2)\n" + Self.spring
        let sequential = try Self.index(text, format: Self.format("spring-boot"), threads: 1, chunkBytes: 1)
        #expect(sequential.entries.lineCounts == [2, 4, 1])
        #expect(sequential.entries.timestamps[0] == sequential.entries.timestamps[1])
        for chunk in [1, 5, 18, 19, 40] {
            let chunked = try Self.index(text, format: Self.format("spring-boot"), threads: 2, chunkBytes: chunk)
            #expect(Self.rows(chunked) == Self.rows(sequential), "chunkBytes \(chunk)")
        }
    }

    @Test func parserStateCarriesIntoTheNextSegment() throws {
        // The second file (a rotated log's newer part) begins with a DETAIL of the backend whose
        // entry ended the first file: it is an orphan of that file, the same chunked or not.
        let first = "2026-01-30 14:00:00.090 KST [50132] app@appdb ERROR:  boom\n"
        let second = "2026-01-30 14:00:00.090 KST [50132] app@appdb DETAIL:  more\n" + Self.postgres
        func build(_ threads: Int, _ chunk: Int) throws -> SourceIndex {
            try SourceIndexer.index(
                name: "t", format: Self.format("postgresql"), options: FormatOptions(zone: ZoneRules(fixedOffset: 32_400, name: "KST")),
                segments: [Fixture.segment(first, path: "/a.1"), Fixture.segment(second, path: "/a")],
                indexing: IndexingOptions(threads: threads, chunkBytes: chunk))
        }
        let sequential = try build(1, 1)
        #expect(sequential.entries.segments == [0, 1, 1, 1, 1, 1])
        #expect(sequential.entries.lineCounts == [1, 1, 3, 4, 1, 1])
        for chunk in [1, 20, 61, 100, 200] {
            #expect(Self.rows(try build(2, chunk)) == Self.rows(sequential), "chunkBytes \(chunk)")
        }
    }

    @Test func chunkBoundsFallAfterNewlines() {
        let text = Array("aaaa\nbb\ncccccc\nd".utf8)
        text.withUnsafeBytes { b in
            #expect(ChunkedScan.chunkBounds(b, chunkBytes: 1) == [0, 5, 8, 15, 16])
            #expect(ChunkedScan.chunkBounds(b, chunkBytes: 6) == [0, 8, 15, 16])
            #expect(ChunkedScan.chunkBounds(b, chunkBytes: 100) == [0, 16])
        }
    }

    @Test func indexingOptionsFromTheEnvironment() {
        let o = IndexingOptions(environment: ["LOGVIEW_THREADS": "1", "LOGVIEW_CHUNK_BYTES": "4096"])
        #expect(o.threads == 1 && o.chunkBytes == 4096)
        let bad = IndexingOptions(environment: ["LOGVIEW_THREADS": "0", "LOGVIEW_CHUNK_BYTES": "x"])
        #expect(bad.threads == IndexingOptions.processorCount && bad.chunkBytes == IndexingOptions.defaultChunkBytes)
    }

    @Test func parallelWorkRunsEveryItemOnce() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        let shared = CountSlots(counts)
        ParallelWork.run(count: 1000, threads: 4) { i in shared.slots[i] += 1 }
        #expect(Array(counts) == [Int](repeating: 1, count: 1000))
    }
}

private struct CountSlots: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Int>
    init(_ s: UnsafeMutableBufferPointer<Int>) { slots = s }
}
