/// The mutable working memory of one search: the lazy DFA's state cache and the Pike VM's
/// thread lists. A scratch is used by one thread at a time (see `ScratchPool`) and kept between
/// calls, so a warm search allocates nothing.
final class MatcherScratch {
    let program: PatternProgram
    let byteClass: [UInt8]
    /// Columns per DFA state: one per byte class plus one for the end of the text.
    let stride: Int
    let maximumStates: Int

    // Sparse set of instruction numbers, for closures.
    var sparse: [Int32]
    var dense: [Int32]
    var denseCount = 0
    var stack: [Int32] = []

    // Lazy DFA.
    var table: [Int32] = []
    var stateKeys: [[Int32]] = []
    var stateIDs: [[Int32]: Int32] = [:]
    var startStates: [Int32] = [-1, -1, -1, -1]
    var keyBuffer: [Int32] = []
    /// The state whose self-loop bytes (`skipBytes`) the hot loop skips; -1: none.
    var skipState: Int32 = -1
    var skipBytes = [Bool](repeating: false, count: 256)
    var skipPrepared = false
    /// How often the state cache filled up and was dropped (for tests and tuning).
    var cacheResets = 0

    // Pike VM: two thread lists, each a sparse set of instructions with the match start per
    // thread; list k uses entries [k * instructionCount, (k + 1) * instructionCount). Raw buffers:
    // these are touched for every thread at every byte.
    let instructionCount: Int
    let threadSparse: UnsafeMutablePointer<Int32>
    let threadPC: UnsafeMutablePointer<Int32>
    let threadStart: UnsafeMutablePointer<Int>
    var threadCount = (0, 0)
    var threadStack: [Int32] = []

    init(program: PatternProgram, stateBudgetBytes: Int = 2 << 20) {
        self.program = program
        byteClass = program.byteClass
        stride = program.classCount + 1
        maximumStates = max(16, stateBudgetBytes / (stride * 4))
        let n = program.instructions.count
        sparse = [Int32](repeating: 0, count: n)
        dense = [Int32](repeating: 0, count: n)
        instructionCount = n
        threadSparse = .allocate(capacity: 2 * n)
        threadSparse.initialize(repeating: 0, count: 2 * n)
        threadPC = .allocate(capacity: 2 * n)
        threadPC.initialize(repeating: 0, count: 2 * n)
        threadStart = .allocate(capacity: 2 * n)
        threadStart.initialize(repeating: 0, count: 2 * n)
    }

    deinit {
        threadSparse.deallocate()
        threadPC.deallocate()
        threadStart.deallocate()
    }

    @inline(__always)
    func setContains(_ pc: Int32) -> Bool {
        let i = Int(sparse[Int(pc)])
        return i < denseCount && dense[i] == pc
    }

    @inline(__always)
    func setInsert(_ pc: Int32) {
        sparse[Int(pc)] = Int32(denseCount)
        dense[denseCount] = pc
        denseCount += 1
    }
}
