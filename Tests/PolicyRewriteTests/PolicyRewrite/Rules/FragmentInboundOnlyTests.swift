import Testing

@testable import PolicyRewrite

/// fragment-inbound-only: a key injection in a fragment is replaced in place, with a note.
@Suite struct FragmentInboundOnlyTests {
  @Test func fragmentIsReplacedInPlaceWithANote() throws {
    let policy = MarkedPolicy(
      """
      <fragment>
          <set-header name="x-request-source" exists-action="override">
              <value>apim</value>
          </set-header>
          /*note*/<set-header name="x-functions-key" exists-action="override">
              <value>{{shared-key}}</value>
          </set-header>
          <set-backend-service backend-id="shared-func" />
      </fragment>
      """)
    let result = try expectRewrite(
      policy.text,
      """
      <fragment>
          <set-header name="x-request-source" exists-action="override">
              <value>apim</value>
          </set-header>
          <authentication-managed-identity resource="11111111-2222-3333-4444-555555555555" />
          <set-backend-service backend-id="shared-func" />
      </fragment>
      """, path: "policy fragments/shared/policy.xml")
    #expect(result.findings.count == 1)
    let note = try #require(result.findings.first)
    #expect(note.rule == .fragmentInboundOnly)
    #expect(note.severity == .note)
    #expect(note.place == policy["note"])
  }
}
