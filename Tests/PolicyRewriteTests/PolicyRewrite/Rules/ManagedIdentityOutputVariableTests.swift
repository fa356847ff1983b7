import Testing

@testable import PolicyDOM
@testable import PolicyRewrite

/// managed-identity-output-variable: an MI element with the key's resource already in place
/// but with `output-token-variable-name` may put APIM's token only into that variable (the
/// documentation sets `Authorization` by hand from it; the policy toolkit's emulator writes no
/// header). Removing the key beside it could leave the Function App with neither key nor
/// token (401), so the key is held unless the next element sets `Authorization` from that very
/// variable (`rewrite-spec.md` §2b "already there").
@Suite struct ManagedIdentityOutputVariableTests {
  static let resource = "11111111-2222-3333-4444-555555555555"
  static let miToVariable =
    #"<authentication-managed-identity resource="\#(resource)" output-token-variable-name="msi-access-token" />"#
  static let key = #"<set-header name="x-functions-key"><value>{{fn-key}}</value></set-header>"#

  /// The documented way to send the variable's token: `Authorization: Bearer <token>`.
  static func bearer(from variable: String = "msi-access-token", action: String = #" exists-action="override""#)
    -> String
  {
    #"<set-header name="Authorization"\#(action)><value>@("Bearer " + (string)context.Variables["\#(variable)"])</value></set-header>"#
  }

  /// Expects `input` unchanged, held by this rule at the key, naming the MI element's line and
  /// the attribute.
  @discardableResult
  func expectHeld(_ policy: MarkedPolicy, sourceLocation: SourceLocation = #_sourceLocation) throws -> RewriteResult {
    let result = try AuthorizationTests().expectUnchanged(
      policy.text, [.managedIdentityOutputVariable], sourceLocation: sourceLocation)
    let finding = try #require(result.findings.first, sourceLocation: sourceLocation)
    #expect(finding.place == policy["key"], sourceLocation: sourceLocation)
    #expect(finding.severity == .warning, sourceLocation: sourceLocation)
    #expect(
      finding.message.contains("<authentication-managed-identity> at line \(policy["mi"].line)")
        && finding.message.contains("output-token-variable-name=\"msi-access-token\""),
      "\(finding.message)", sourceLocation: sourceLocation)
    return result
  }

  @Test func anMIElementInPlaceThatOnlyFillsAVariableHoldsTheKeyNotA401WithNoCredential() throws {
    try expectHeld(
      MarkedPolicy(
        """
        <policies>
            <inbound>
                <base />
                /*mi*/\(Self.miToVariable)
                /*key*/\(Self.key)
            </inbound>
        </policies>
        """))
  }

  @Test func aNestedMIElementThatOnlyFillsAVariableHoldsTheNestedKey() throws {
    try expectHeld(
      MarkedPolicy(
        """
        <policies>
            <inbound>
                <base />
                <choose>
                    <when condition="@(true)">
                        /*mi*/\(Self.miToVariable)
                        /*key*/\(Self.key)
                    </when>
                </choose>
            </inbound>
        </policies>
        """))
  }

  @Test func aTopLevelMIElementThatOnlyFillsAVariableHoldsANestedKey() throws {
    try expectHeld(
      MarkedPolicy(
        """
        <policies>
            <inbound>
                <base />
                /*mi*/\(Self.miToVariable)
                <choose>
                    <when condition="@(true)">
                        /*key*/\(Self.key)
                    </when>
                </choose>
            </inbound>
        </policies>
        """))
  }

  @Test func aFragmentsMIElementThatOnlyFillsAVariableHoldsTheFragmentsKey() throws {
    try expectHeld(
      MarkedPolicy(
        """
        <fragment>
            /*mi*/\(Self.miToVariable)
            /*key*/\(Self.key)
        </fragment>
        """))
  }

  @Test func aSendRequestsMIElementWithAnOutputVariableHoldsItsKeyEvenWithTheBearerHeader() throws {
    try expectHeld(
      MarkedPolicy(
        """
        <policies>
            <inbound>
                <base />
                <send-request mode="new" response-variable-name="r">
                    <set-url>https://orders-func.azurewebsites.net/api/x</set-url>
                    /*key*/\(Self.key)
                    /*mi*/\(Self.miToVariable)
                    \(Self.bearer())
                </send-request>
            </inbound>
        </policies>
        """))
  }

  /// Rewrites an `<inbound>` of `<base />`, `elements` (one a line) and a key: the key goes
  /// and `elements` stay as they are.
  func expectKeyRemovedAfter(_ elements: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    try ManagedIdentityInPlaceTests().expectKeyRemovedAfter(elements, sourceLocation: sourceLocation)
  }

  @Test func theTokenSetIntoAuthorizationFromItsVariableRightAfterStandsForTheKey() throws {
    try expectKeyRemovedAfter([Self.miToVariable, Self.bearer()])
    try expectKeyRemovedAfter([Self.miToVariable, Self.bearer(action: "")])
    try expectKeyRemovedAfter([
      Self.miToVariable,
      #"<set-header name="authorization" exists-action="override"><value>  @( "Bearer "+(string) context.Variables[ "msi-access-token" ] )  </value></set-header>"#,
    ])
  }

  @Test func aPlainMIElementWithTheSameResourceAfterItStandsForTheKey() throws {
    try expectKeyRemovedAfter([Self.miToVariable, AuthorizationTests.mi])
  }

  @Test func aClientIDAloneStillWritesTheHeaderAndStandsForTheKey() throws {
    try expectKeyRemovedAfter([
      #"<authentication-managed-identity resource="\#(Self.resource)" client-id="22222222-3333-4444-5555-666666666666" />"#
    ])
  }

  /// Each of these leaves the backend's `Authorization` without the variable's token in the
  /// documented form on some path: the key stays.
  @Test(
    arguments: [
      ("another variable", [bearer(from: "other-token")], Rule.authorizationWriter),
      (
        "no Bearer scheme",
        [
          #"<set-header name="Authorization" exists-action="override"><value>@((string)context.Variables["msi-access-token"])</value></set-header>"#
        ], .authorizationWriter
      ),
      ("exists-action skip", [bearer(action: #" exists-action="skip""#)], .authorizationWriter),
      ("exists-action append", [bearer(action: #" exists-action="append""#)], .authorizationWriter),
      (
        "two values",
        [
          #"<set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["msi-access-token"])</value><value>x</value></set-header>"#
        ], .authorizationWriter
      ),
      ("something between", [#"<set-variable name="msi-access-token" value="x" />"#, bearer()], .authorizationWriter),
      ("only in a branch", [#"<choose><when condition="@(true)">\#(bearer())</when></choose>"#], .authorizationWriter),
      (
        "a plain MI element only in a branch",
        [#"<choose><when condition="@(true)">\#(AuthorizationTests.mi)</when></choose>"#],
        .managedIdentityOutputVariable
      ),
      (
        "a named value",
        [#"<set-header name="Authorization" exists-action="override"><value>{{token}}</value></set-header>"#],
        .authorizationWriter
      ),
    ])
  func aHeaderNotSetFromTheVariableOnEveryPathHoldsTheKey(_ what: String, _ after: [String], _ rule: Rule) throws {
    let lines = after.joined(separator: "\n        ")
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              \(Self.miToVariable)
              \(lines)
              \(Self.key)
          </inbound>
      </policies>
      """, [rule])
  }

  @Test func theBearerHeaderAcrossATerraformDirectiveHoldsTheKey() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              \(Self.miToVariable)
              %{ if send_token }
              \(Self.bearer())
              %{ endif }
              \(Self.key)
          </inbound>
      </policies>
      """, [.authorizationWriter])
  }

  @Test func aTokenSetAgainOnlyInABranchAfterARemoverHoldsTheKeyNotA401OnTheOtherPath() throws {
    try AuthorizationTests().expectUnchanged(
      """
      <policies>
          <inbound>
              <base />
              \(AuthorizationTests.mi)
              <set-header name="Authorization" exists-action="delete" />
              <choose><when condition="@(true)">\(AuthorizationTests.mi)</when></choose>
              \(Self.key)
          </inbound>
      </policies>
      """, [.authorizationReaderAfterManagedIdentity])
  }
}
