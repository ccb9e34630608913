import Testing

@testable import LogviewSources

/// `[loki.NAME]` endpoints: the credential files they may name (never the secrets themselves).
@Suite struct ConfigFileLokiTests {
    @Test func anEndpointNamesItsUserAndCredentialFiles() throws {
        let text = """
            [loki.prod]
            url = "https://loki.example:3100"
            tenant = "ops"
            username = "reader"
            password_file = "/etc/logview/loki-password"

            [loki.edge]
            url = "http://10.0.0.7:3100"
            bearer_token_file = "/etc/logview/edge-token"
            """
        let c = try ConfigFile.parse(text, path: "c.toml", environment: [:])
        #expect(c.lokiEndpoints == [
            .init(name: "prod", url: "https://loki.example:3100", tenant: "ops", username: "reader", passwordFile: "/etc/logview/loki-password"),
            .init(name: "edge", url: "http://10.0.0.7:3100", bearerTokenFile: "/etc/logview/edge-token"),
        ])
    }

    @Test func aSecretItselfIsRefused() {
        #expect(throws: ConfigFile.Error(
            path: "c.toml", line: 3,
            message: "unknown key 'password' in [loki.prod]; known keys: url, tenant, username, password_file, bearer_token_file")
        ) { try ConfigFile.parse("[loki.prod]\nurl = \"http://a\"\npassword = \"x\"", path: "c.toml", environment: [:]) }
    }
}
