import Foundation
import Testing

// `make install` into a temporary prefix (with its own build directory), then the installed binary
// with the toolchain hidden:
// the release build links the Swift runtime statically, so it must run with only the system's
// libraries. One release build (the slowest thing in the suite); skipped only when this
// toolchain has no static Swift runtime to link.

enum InstallCheck {
    /// The toolchain's static runtime, which `--static-swift-stdlib` links.
    static var staticRuntimeMissing: Bool {
        guard let swift = E2EPaths.onPath("swift") else { return true }
        let usr = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        return !FileManager.default.fileExists(atPath: usr.path + "/lib/swift_static/linux/libswiftCore.a")
    }

    /// Libraries a logview binary may need on a machine without Swift (and what they pull in).
    static let allowedLibraryPrefixes = [
        "linux-vdso", "libc.so", "libm.so", "libpthread", "libdl.so", "librt.so", "ld-linux", "libstdc++", "libgcc_s",
        "libncursesw", "libtinfo", "libsystemd", "liblzma", "libzstd", "liblz4", "libcap", "libgcrypt", "libgpg-error",
        "libutil",
        // zlib, for HTTP compression in async-http-client (the Loki client); Debian's zlib1g is a
        // required package, on every server.
        "libz.so",
    ]
}

@Suite(.serialized) struct InstallTests {
    @Test(.enabled(if: !InstallCheck.staticRuntimeMissing,
        "this Swift toolchain has no static runtime (lib/swift_static): a --static-swift-stdlib release build is impossible"),
        .timeLimit(.minutes(40)))
    func installedBinaryRunsWithoutTheToolchain() throws {
        let scratch = try TemporaryDirectory("install")
        defer { scratch.remove() }
        let prefix = scratch.path + "/prefix"
        // Its own scratch directory: `swift test` holds .build's lock while this test runs.
        let make = try ChildProcess.run(
            name: "make-install",
            command: ["/usr/bin/make", "-C", E2EPaths.packageRoot, "install", "PREFIX=\(prefix)", "BUILD_DIR=\(scratch.path)/build"],
            environment: childEnvironment(), scratch: scratch.path, timeout: .seconds(2400))
        try #require(make.status == 0, "make install failed: \(make.stderr.suffix(3000))")

        let binary = prefix + "/bin/logview"
        #expect(FileManager.default.isExecutableFile(atPath: binary))
        let man = try String(contentsOfFile: prefix + "/share/man/man1/logview.1", encoding: .utf8)
        #expect(man.hasPrefix(".TH LOGVIEW 1"))
        #expect(man.contains("\\fB\\-\\-show\\-sources\\fR"))
        let bash = try String(contentsOfFile: prefix + "/share/bash-completion/completions/logview", encoding: .utf8)
        #expect(bash.contains("--show-sources") && bash.contains("complete -o filenames -F _logview logview"))
        let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_logview", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef logview"))
        let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/logview.fish", encoding: .utf8)
        #expect(fish.contains("-l 'show-sources'"))

        // No Swift runtime among the libraries it loads, and nothing missing.
        let ldd = try ChildProcess.run(
            name: "ldd", command: ["/usr/bin/ldd", binary], environment: childEnvironment(), scratch: scratch.path,
            timeout: .seconds(60))
        #expect(ldd.status == 0)
        let libraries = ldd.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        #expect(!libraries.isEmpty)
        let unexpected = libraries.filter { lib in !InstallCheck.allowedLibraryPrefixes.contains { lib.hasPrefix($0) } }
        #expect(unexpected == [], "libraries beyond libc, ncursesw, libtinfo, libstdc++, libsystemd and zlib: \(unexpected)")
        #expect(!ldd.stdoutText.contains("not found"))

        // Run with the toolchain's paths hidden; the output equals the debug build's.
        let hidden = try ChildProcess.run(
            name: "installed-demo", command: [binary, "--demo", "--print", "--tz", "UTC"],
            environment: ["PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": ""], scratch: scratch.path, timeout: .seconds(120))
        #expect(hidden.status == 0, "\(hidden.stderr)")
        let debug = try ChildProcess.run(
            name: "debug-demo", command: [E2EPaths.logviewBinary, "--demo", "--print", "--tz", "UTC"],
            environment: childEnvironment(), scratch: scratch.path, timeout: .seconds(120))
        #expect(debug.status == 0)
        #expect(hidden.stdoutText == debug.stdoutText)
        let lines = hidden.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == #"2026-01-30T05:02:00.000000Z nginx       INFO  10.0.3.20 - - [30/Jan/2026:14:02:00 +0900] "GET /api/users/40 HTTP/1.1" 200 512 "-" "Mozilla/5.0" rid=cfc16daeee5a44f56df16d3cbb1a40e6 rt=0.014"#)
        #expect(hidden.stdoutText.contains(#"Invalid user \e[31mroot\e[0m\e]0;owned\a from 203.0.113.99"#))
        #expect(!hidden.stdoutText.contains("\u{1B}"))
    }
}
