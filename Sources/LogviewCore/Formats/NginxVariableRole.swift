/// What logview reads from an nginx variable, or from a JSON key named after one.
///
/// Names compare ASCII case-insensitively, as nginx looks variables up. Looking a name up does
/// not allocate, so JSON keys can be classified per line.
enum NginxVariableRole: Sendable, Equatable {
    /// `$time_local`: `30/Jan/2026:14:02:03 +0900`.
    case timeLocal
    /// `$time_iso8601`: `2026-01-30T14:02:03+09:00`.
    case timeISO8601
    /// `$msec`: `1769749323.123`, seconds since the epoch with milliseconds.
    case msec
    /// `$status`: the response status, three digits.
    case status
    /// `$request_time`: seconds with milliseconds, `0.123`.
    case requestTime
    /// `$remote_addr`: the client address.
    case remoteAddr
    /// `$request`: the full request line.
    case request
    /// `$request_id` and the `X-Request-ID` header in either direction.
    case requestID
    /// A W3C `traceparent` header; its trace-id part is a trace id.
    case traceparent
    /// A bare 32-hex trace id (`$otel_trace_id`).
    case traceID
    /// A number nginx always prints as digits (`$body_bytes_sent`, `$connection`...).
    case count
    /// Anything else: taken as written.
    case other

    var isTime: Bool { self == .timeLocal || self == .timeISO8601 || self == .msec }

    /// How a value must look for a line to match, so a stray quote elsewhere cannot shift fields.
    var check: NginxValueCheck {
        switch self {
        case .timeLocal: .timeLocal
        case .timeISO8601: .timeISO8601
        case .msec, .requestTime: .decimal
        case .status: .status
        case .count: .digits
        case .remoteAddr, .request, .requestID, .traceparent, .traceID, .other: .any
        }
    }

    init(name: String) {
        var bytes = Array(name.utf8)
        self = bytes.withUnsafeMutableBytes { NginxVariableRole(name: UnsafeRawBufferPointer($0)) }
    }

    /// Classifies a name given as bytes. Does not allocate.
    init(name n: UnsafeRawBufferPointer) {
        switch n.count {
        case 4 where n.equalsIgnoringCase("msec"): self = .msec
        case 6 where n.equalsIgnoringCase("status"): self = .status
        case 7 where n.equalsIgnoringCase("request"): self = .request
        case 10 where n.equalsIgnoringCase("time_local"): self = .timeLocal
        case 10 where n.equalsIgnoringCase("request_id"): self = .requestID
        case 11 where n.equalsIgnoringCase("remote_addr"): self = .remoteAddr
        case 12 where n.equalsIgnoringCase("time_iso8601"): self = .timeISO8601
        case 12 where n.equalsIgnoringCase("request_time"): self = .requestTime
        case 13 where n.equalsIgnoringCase("otel_trace_id"): self = .traceID
        case 17 where n.equalsIgnoringCase("http_x_request_id"): self = .requestID
        case 16 where n.equalsIgnoringCase("http_traceparent"): self = .traceparent
        case 22 where n.equalsIgnoringCase("sent_http_x_request_id"): self = .requestID
        case 21 where n.equalsIgnoringCase("sent_http_traceparent"): self = .traceparent
        case 26 where n.equalsIgnoringCase("upstream_http_x_request_id"): self = .requestID
        case 25 where n.equalsIgnoringCase("upstream_http_traceparent"): self = .traceparent
        case 15 where n.equalsIgnoringCase("body_bytes_sent"): self = .count
        case 10 where n.equalsIgnoringCase("bytes_sent"): self = .count
        case 14 where n.equalsIgnoringCase("request_length"): self = .count
        case 10 where n.equalsIgnoringCase("connection"): self = .count
        case 19 where n.equalsIgnoringCase("connection_requests"): self = .count
        case 3 where n.equalsIgnoringCase("pid"): self = .count
        default: self = .other
        }
    }
}

/// The shape a variable's value must have for a line to match its format.
enum NginxValueCheck: Sendable, Equatable {
    case any
    /// One or more ASCII digits.
    case digits
    /// Exactly three ASCII digits.
    case status
    /// Digits, optionally a `.` and more digits.
    case decimal
    case timeLocal
    case timeISO8601

    /// Whether `value` has this shape. Does not allocate.
    @inline(__always)
    func accepts(_ value: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .any: true
        case .digits: value.digitRun(at: 0)?.end == value.count
        case .status: value.count == 3 && value.digits(at: 0, count: 3) != nil
        case .decimal: NginxValues.seconds(value) != nil
        case .timeLocal: NginxTime.local(value) != nil
        case .timeISO8601: NginxTime.iso8601(value, zone: .utc) != nil
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes equal the lower-case ASCII literal, ignoring ASCII letter case.
    @inline(__always)
    fileprivate func equalsIgnoringCase(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard n == count else { return false }
        let p = literal.utf8Start
        for k in 0..<n {
            var c = self[k]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            guard c == p[k] else { return false }
        }
        return true
    }
}
