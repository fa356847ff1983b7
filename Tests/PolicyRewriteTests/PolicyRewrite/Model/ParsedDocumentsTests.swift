import PolicyDOM
import Synchronization
import Testing

@testable import PolicyRewrite

/// A document kept by a pass before the run's own is handed out only for the very bytes it was
/// parsed from, read alike, and only once.
@Suite struct ParsedDocumentsTests {
  static let policy = Array(
    "<policies><inbound><base /><set-header name=\"Authorization\" exists-action=\"delete\" /></inbound></policies>"
      .utf8)

  @Test func aKeptDocumentIsHandedOutOnceForTheSameBytes() throws {
    let documents = ParsedDocuments(capacity: 1 << 20)
    let parsed = try documents.parse(Self.policy)
    let options = PolicyDocument.ParseOptions(masksTemplates: false)
    let taken = try #require(documents.take(Self.policy, options: options))
    #expect(taken === parsed)
    #expect(documents.take(Self.policy, options: options) == nil)
    #expect(documents.parses == 1)
    #expect(documents.takes == 1)
  }

  @Test func aSecondParseOfTheSameBytesBeforeTheRunsPassIsAnsweredByTheKeptDocument() throws {
    let documents = ParsedDocuments(capacity: 1 << 20)
    let first = try documents.parse(Self.policy)
    let second = try documents.parse(Self.policy)
    #expect(second === first)
    #expect(documents.parses == 1)
    #expect(documents.keptAnswers == 1)
    // Still kept, and handed out once.
    #expect(documents.take(Self.policy, options: PolicyDocument.ParseOptions()) === first)
    #expect(documents.take(Self.policy, options: PolicyDocument.ParseOptions()) == nil)
  }

  @Test func equalBytesInOtherStorageAreParsedAgainSinceTheKeyIsTheStorage() throws {
    let documents = ParsedDocuments(capacity: 1 << 20)
    _ = try documents.parse(Self.policy)
    let copy = Self.policy.map { $0 }
    #expect(copy == Self.policy)
    let separate =
      copy.withUnsafeBufferPointer { $0.baseAddress } != Self.policy.withUnsafeBufferPointer { $0.baseAddress }
    try #require(separate)
    #expect(documents.take(copy, options: PolicyDocument.ParseOptions()) == nil)
  }

  @Test func aSourceWithADollarSignIsNotHandedOutForAnotherTemplateReadingSinceItMayReadOtherwise() throws {
    let documents = ParsedDocuments(capacity: 1 << 20)
    let source = Array(
      "<policies><inbound><base /><set-variable name=\"v\" value=\"${x}\" /></inbound></policies>".utf8)
    _ = try documents.parse(source)
    #expect(documents.take(source, options: PolicyDocument.ParseOptions(masksTemplates: false)) == nil)
    _ = try documents.parse(source)
    #expect(documents.take(source, options: PolicyDocument.ParseOptions(masksTemplates: true)) != nil)
  }

  @Test func documentsPastTheCapacityAreNotKeptSoThatALargeTreeDoesNotHoldEveryDocument() throws {
    let documents = ParsedDocuments(capacity: Self.policy.count - 1)
    _ = try documents.parse(Self.policy)
    #expect(documents.take(Self.policy, options: PolicyDocument.ParseOptions()) == nil)
  }

  @Test func aDocumentIsKeptOnlyWhileTheBudgetGrantsItsMemoryAndGivesItBackWhenTaken() throws {
    let budget = Mutex(ParsedDocuments.estimatedSize(ofSource: Self.policy.count))
    let documents = ParsedDocuments(
      capacity: 1 << 20,
      reserve: { _, size in
        budget.withLock { left in
          guard size <= left else { return false }
          left -= size
          return true
        }
      },
      release: { size in budget.withLock { $0 += size } })
    let other = Self.policy.map { $0 }
    _ = try documents.parse(Self.policy)
    _ = try documents.parse(other)
    // The budget held one document: the second was parsed, not kept.
    #expect(documents.kept == 1)
    #expect(budget.withLock { $0 } == 0)
    #expect(documents.take(Self.policy, options: PolicyDocument.ParseOptions()) != nil)
    #expect(budget.withLock { $0 } == ParsedDocuments.estimatedSize(ofSource: Self.policy.count))
  }

  @Test func aDocumentNotKeptLeavesAVerdictThatTheWellFormednessCheckTakesOnce() throws {
    let granted = Mutex(0)
    let documents = ParsedDocuments(
      capacity: 0, release: { size in granted.withLock { $0 -= size } },
      reserveVerdict: { _, size in
        granted.withLock { $0 += size }
        return true
      })
    let options = PolicyDocument.ParseOptions(masksTemplates: false)
    _ = try documents.parse(Self.policy)
    #expect(documents.kept == 0 && documents.verdicts == 1)
    #expect(documents.take(Self.policy, options: options) == nil)
    // A take gives the verdict up (its caller reads the bytes itself).
    #expect(documents.rootName(Self.policy, options: options) == nil)
    #expect(granted.withLock { $0 } == 0)
    _ = try documents.parse(Self.policy)
    #expect(documents.rootName(Self.policy.map { $0 }, options: options) == nil)
    _ = try documents.parse(Self.policy)
    #expect(documents.rootName(Self.policy, options: options) == "policies")
    #expect(documents.rootName(Self.policy, options: options) == nil)
    #expect(documents.verdictsTaken == 1)
    #expect(granted.withLock { $0 } == 0)
    // A broken policy leaves none.
    let broken = Array("<policies><inbound></policies>".utf8)
    #expect(throws: ParseError.self) { try documents.parse(broken) }
    #expect(documents.rootName(broken, options: options) == nil)
  }
}
