import ArgumentParser
import LogviewCore

/// `-f/--follow` and its settings.
struct FollowOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Keep running and print new entries of every source as they are written.")
    var follow = false

    @Option(name: .customLong("reorder-window"), help: "How long new entries wait for slightly older ones from other sources, so they print in time order (e.g. 250ms, 1s; 0 prints at once).")
    var reorderWindow: String = "250ms"

    /// The reorder window in milliseconds.
    func reorderWindowMilliseconds() throws -> Int64 {
        do {
            let span = try DurationExpression.parse(reorderWindow)
            guard span.nanoseconds >= 0 else { throw ValidationError("--reorder-window cannot be negative") }
            return span.nanoseconds / 1_000_000
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError("--reorder-window: \(error)")
        }
    }
}
