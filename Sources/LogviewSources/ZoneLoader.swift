#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Finds time zones on this machine: IANA names from tzdata, fixed offsets, and the system zone.
public enum ZoneLoader {
    public static let zoneinfo = "/usr/share/zoneinfo"

    /// `Asia/Seoul`, `UTC`, `+09:00`, `local`.
    public static func zone(named name: String, environment: [String: String]) throws -> ZoneRules {
        if name == "local" { return system(environment: environment) }
        if let fixed = ZoneRules.fixed(parsing: name) { return fixed }
        guard !name.contains(".."), !name.hasPrefix("/") || name.hasPrefix(zoneinfo) else {
            throw ZoneRules.Error.unknownZone(name)
        }
        let path = name.hasPrefix("/") ? name : zoneinfo + "/" + name
        guard let (bytes, _) = try? FileReader.read(path) else { throw ZoneRules.Error.unknownZone(name) }
        return try ZoneRules(tzif: bytes, name: name)
    }

    /// The machine's zone: `TZ` if set (`:Area/City` or a name), else /etc/localtime; UTC if neither reads.
    public static func system(environment: [String: String]) -> ZoneRules {
        if var tz = environment["TZ"], !tz.isEmpty {
            if tz.hasPrefix(":") { tz.removeFirst() }
            if let z = try? zone(named: tz, environment: [:]) { return z }
        }
        var name = "localtime"
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/etc/localtime", &buf, buf.count - 1)
        if n > 0 {
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let parts = target.split(separator: "/", omittingEmptySubsequences: false)
            if let z = parts.lastIndex(of: "zoneinfo") { name = parts[(z + 1)...].joined(separator: "/") }
        }
        if let (bytes, _) = try? FileReader.read("/etc/localtime"),
            let z = try? ZoneRules(tzif: bytes, name: name)
        {
            return z
        }
        return .utc
    }
}
