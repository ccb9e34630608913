import Testing
@Test func placeholderLogviewSourcesTests() { #expect(1 + 1 == 2) }
