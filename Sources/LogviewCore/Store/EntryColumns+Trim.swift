extension EntryColumns {
    /// Removes entries `0..<k` (the oldest in file order) and renumbers the segments the rest use
    /// densely, in their old order; returns the old numbers of the segments kept, so the caller
    /// keeps exactly those (a segment no kept entry uses is freed). Keys keep their values.
    /// O(count): copies every column once.
    mutating func removeFirst(_ k: Int) -> [Int] {
        precondition(k >= 0 && k <= count)
        let keyCut = Int(keyStarts[k])
        timestamps.removeFirst(k)
        segments.removeFirst(k)
        offsets.removeFirst(k)
        lengths.removeFirst(k)
        lines.removeFirst(k)
        lineCounts.removeFirst(k)
        meta.removeFirst(k)
        messageStarts.removeFirst(k)
        sessions.removeFirst(k)
        keyStarts.removeFirst(k)
        for i in keyStarts.indices { keyStarts[i] -= UInt32(keyCut) }
        keys.removeFirst(keyCut)
        var shifted = RequestColumn()
        for (i, facts) in requests where i >= k { shifted[i - k] = facts }
        requests = shifted
        // Segments in use, in ascending old number; the column then points into that list.
        var newNumber = [UInt32](repeating: .max, count: Int(segments.max() ?? 0) + 1)
        for s in segments { newNumber[Int(s)] = 0 }
        var used: [Int] = []
        for s in newNumber.indices where newNumber[s] == 0 {
            newNumber[s] = UInt32(used.count)
            used.append(s)
        }
        for i in segments.indices { segments[i] = newNumber[Int(segments[i])] }
        return used
    }
}
