extension IDTable {
    /// A table of only the ids whose key `used` marks, keyed anew 0, 1, 2... in their old order,
    /// and the map from old key to new (`UInt32.max` for an id left out). Trimming a long follow
    /// drops the ids only dropped entries had, which keeps the table bounded. O(ids kept).
    func compacted(keeping used: [Bool]) -> (table: IDTable, map: [UInt32]) {
        var table = IDTable()
        var map = [UInt32](repeating: .max, count: count)
        table.reserveCapacity(used.lazy.filter { $0 }.count)
        for k in 0..<count where used[k] { map[k] = table.intern(UInt32(k), of: self) }
        return (table, map)
    }
}
