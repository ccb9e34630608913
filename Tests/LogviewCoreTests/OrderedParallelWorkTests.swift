@testable import LogviewCore
import Synchronization
import Testing

/// The render pipeline: results are consumed in index order, no item runs more than `window`
/// ahead of the consumer (its slot would still be in use), and stopping skips the rest.
@Suite struct OrderedParallelWorkTests {
    @Test(arguments: [(1, 3), (2, 1), (2, 4), (4, 2), (3, 7)])
    func itemsAreConsumedInOrderAndNeverRunAheadOfTheirSlot(threads: Int, window: Int) {
        let count = 500
        let consumed = Atomic<Int>(0)
        let worstLead = Atomic<Int>(0)
        let slots = SlotOwners(window)
        var order: [Int] = []
        let finished = OrderedParallelWork.run(count: count, threads: threads, window: window) { i, slot in
            let lead = i - consumed.load(ordering: .acquiring)
            worstLead.max(lead)
            slots.claim(slot, by: i)
        } consume: { i, slot in
            #expect(slots.owner(slot) == i, "slot \(slot) holds item \(slots.owner(slot)), not \(i)")
            order.append(i)
            consumed.store(i + 1, ordering: .releasing)
            return true
        }
        #expect(finished)
        #expect(order == Array(0..<count))
        #expect(worstLead.load(ordering: .relaxed) < window)
    }

    @Test func stoppingSkipsTheItemsNotYetStarted() {
        let started = Atomic<Int>(0)
        var consumed: [Int] = []
        let finished = OrderedParallelWork.run(count: 1000, threads: 2, window: 2) { _, _ in
            started.add(1, ordering: .relaxed)
        } consume: { i, _ in
            consumed.append(i)
            return i < 9
        }
        #expect(!finished)
        #expect(consumed == Array(0...9))
        // Item 9 stopped the run: at most the two slots after it were started.
        #expect(started.load(ordering: .relaxed) <= 12)
    }
}

/// Which item last wrote each slot (workers write, the consumer reads after the item is done).
private final class SlotOwners: @unchecked Sendable {
    private let owners: Mutex<[Int]>
    init(_ n: Int) { owners = Mutex([Int](repeating: -1, count: n)) }
    func claim(_ slot: Int, by i: Int) { owners.withLock { $0[slot] = i } }
    func owner(_ slot: Int) -> Int { owners.withLock { $0[slot] } }
}

extension Atomic where Value == Int {
    fileprivate func max(_ v: Int) {
        var current = load(ordering: .relaxed)
        while v > current {
            let (exchanged, original) = compareExchange(expected: current, desired: v, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
