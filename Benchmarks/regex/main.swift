// Times Pattern.matches (or firstMatch) over every line of the given files, the way a --grep
// filter calls it (once per entry). run.sh compiles this with the engine's sources (Sources/LogviewCore/Text),
// optimised, without SwiftPM.
#if canImport(Glibc)
import Glibc
#endif

func readFile(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        print("cannot open \(path)")
        exit(66)
    }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Matching lines and the best time of `rounds` passes over `bytes`, line by line.
func measure(_ pattern: Pattern, _ bytes: [UInt8], rounds: Int, locate: Bool) -> (matched: Int, lines: Int, nanoseconds: UInt64) {
    bytes.withUnsafeBytes { buffer in
        var best = UInt64.max, matched = 0, lines = 0
        for _ in 0..<rounds {
            matched = 0
            lines = 0
            let start = monotonicNanoseconds()
            var at = 0
            while at < buffer.count {
                let end = memchr(buffer.baseAddress! + at, 0x0A, buffer.count - at)
                    .map { buffer.baseAddress!.distance(to: UnsafeRawPointer($0)) } ?? buffer.count
                let line = UnsafeRawBufferPointer(rebasing: buffer[at..<end])
                if locate ? pattern.firstMatch(in: line) != nil : pattern.matches(line) { matched += 1 }
                lines += 1
                at = end + 1
            }
            best = min(best, monotonicNanoseconds() - start)
        }
        return (matched, lines, best)
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
// --locate: time firstMatch (what highlighting calls) instead of matches (what filters call).
let locate = arguments.first == "--locate"
if locate { arguments.removeFirst() }
let caseInsensitive = arguments.first == "-i"
if caseInsensitive { arguments.removeFirst() }
guard arguments.count >= 2 else {
    print("usage: regex-bench [--locate] [-i] REGEX FILE...")
    exit(64)
}
let pattern: Pattern
do {
    pattern = try Pattern(arguments[0], caseInsensitive: caseInsensitive)
} catch {
    print("bad regular expression: \(error)")
    exit(64)
}
var bytes = 0, matched = 0, lines = 0, nanoseconds: UInt64 = 0
for path in arguments.dropFirst() {
    let data = readFile(path)
    let r = measure(pattern, data, rounds: 5, locate: locate)
    bytes += data.count
    matched += r.matched
    lines += r.lines
    nanoseconds += r.nanoseconds
}
let megabytesPerSecond = Double(bytes) / 1_048_576 / (Double(nanoseconds) / 1e9)
print("engine: \(matched)/\(lines) lines, \(bytes) bytes, \(nanoseconds / 1_000_000) ms, \(Int(megabytesPerSecond)) MB/s")
