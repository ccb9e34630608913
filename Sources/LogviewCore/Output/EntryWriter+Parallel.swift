extension EntryWriter {
    /// Renders `refs` in order and hands the bytes to `emit` in blocks, in order. With more than
    /// one thread, consecutive blocks of `blockSize` entries are rendered in parallel (one writer
    /// per block, so no state is shared) and emitted in order: the bytes are the same as writing
    /// the entries one by one. Stops early, returning false, when `emit` returns false.
    ///
    /// Each slot keeps its buffer from block to block and `emit` only borrows it: a fresh
    /// buffer per block cost a page fault per 4 KiB of output (the allocator hands large blocks
    /// back to the kernel when they are freed), more than the rendering itself.
    public static func render(
        _ refs: [EntryRef], timeline: Timeline, style: Style, zone: ZoneRules, threads: Int, blockSize: Int = 2048,
        emit: (UnsafeRawBufferPointer) -> Bool
    ) -> Bool {
        if style == .json { _ = timeline.correlation }  // link before threads read it
        let block = max(1, blockSize)
        let blocks = (refs.count + block - 1) / block
        let width = max(1, threads)
        // Two blocks per thread ahead of the writer: enough to keep both busy, little memory.
        let shared = RenderedBlocks(count: width * 2)
        defer { shared.release() }
        return OrderedParallelWork.run(count: blocks, threads: width, window: shared.slots.count) { b, k in
            let writer = EntryWriter(timeline: timeline, style: style, zone: zone)
            var out = shared.slots[k]
            shared.slots[k] = []  // `out` is then the buffer's only owner: no copy on write
            out.removeAll(keepingCapacity: true)
            out.reserveCapacity(block * 256)
            for ref in refs[(b * block)..<min(refs.count, (b + 1) * block)] { writer.write(ref, to: &out) }
            shared.slots[k] = out
        } consume: { _, k in
            shared.slots[k].withUnsafeBytes { emit($0) }
        }
    }
}

/// Rendered buffers, one per slot of the pipeline; a slot is written by one worker at a time.
private final class RenderedBlocks: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<[UInt8]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    func release() {
        slots.deinitialize()
        slots.deallocate()
    }
}
