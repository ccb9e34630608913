import LogviewCore

/// Picks the format of a remote source's lines the way a local file's format is picked: a forced
/// `--format NAME=FORMAT`, else detection on a sample of its first lines, else the fallback.
/// `names` are the names settings are looked up by, the first with a setting winning.
enum RemoteFormatChooser {
    static func reader(
        for names: [String], sample lines: [UnsafeRawBufferPointer], referenceTime: Timestamp, settings: LoadSettings
    ) -> (format: any LogFormat, parser: any LineParser) {
        let options = FormatOptions(
            zone: names.lazy.compactMap { settings.zones[$0] }.first ?? settings.defaultZone, nginxLogFormat: settings.nginxLogFormat,
            postgresLinePrefix: settings.postgresLinePrefix, referenceTime: referenceTime)
        var chosen = FormatDetector.Candidate(format: FormatRegistry.fallback, options: options)
        if let forced = names.lazy.compactMap({ settings.formats[$0] }).first, let f = FormatRegistry.format(named: forced) {
            chosen = .init(format: f, options: options)
        } else {
            var sample: [UInt8] = []
            for line in lines.prefix(FormatDetector.sampleLines) {
                sample.append(contentsOf: line)
                sample.append(0x0A)
            }
            if let (best, _) = sample.withUnsafeBytes({ FormatDetector.detect($0, among: FormatRegistry.candidates(for: options)) }) {
                chosen = best
            }
        }
        let parser = (try? chosen.format.makeParser(chosen.options)) ?? (try? FormatRegistry.fallback.makeParser(options))
        return (chosen.format, parser ?? FallbackParser())
    }
}

/// A parser that reads nothing (used only if no format can make one).
final class FallbackParser: LineParser {
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind { .start }
}
