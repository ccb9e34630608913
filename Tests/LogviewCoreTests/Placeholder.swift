import Testing
@Test func placeholderLogviewCoreTests() { #expect(1 + 1 == 2) }
