import PolicyDOM

/// What ``AuthorizationRule`` holds because the run cannot read part of the pipeline around
/// an injection: a fragment that an include after it names and the policy graph does not
/// resolve (`unresolved-fragment`), or a declared parent scope whose policy it cannot read
/// (`parent-scope-unreadable`).
extension AuthorizationRule {
  /// The first `include-fragment` of the policy that holds `scope` whose fragment id is one
  /// of `ids` (``RewriteConfiguration/unresolvedFragmentIDs``) and that starts after `offset`,
  /// in any section: the fragment runs after the element that would stand there.
  static func unresolvedInclude(after offset: Int, in scope: PolicyElement, ids: Set<String>) -> PolicyElement? {
    guard !ids.isEmpty else { return nil }
    var root = scope
    while let parent = root.parent { root = parent }
    var found: PolicyElement?
    var work = [root]
    while let element = work.popLast() {
      if element.hasName("include-fragment"), element.range.lowerBound > offset,
        let id = element.attribute("fragment-id")?.trimmingXMLSpace, ids.contains(id),
        found.map({ element.range.lowerBound < $0.range.lowerBound }) ?? true
      {
        found = element
      }
      var child = element.firstChildElement
      while let current = child {
        work.append(current)
        child = current.nextSiblingElement
      }
    }
    return found
  }

  static func unresolvedIncludeMessage(_ injection: KeyInjection, include: PolicyElement) -> String {
    let id = include.attribute("fragment-id")?.trimmingXMLSpace ?? ""
    let why =
      id.contains("${") || id.contains("{{") || id.hasPrefix("@")
      ? "whose id '\(id)' the run does not resolve (a reference, variable or named value it cannot follow)"
      : "'\(id)', which no scanned file defines"
    return
      "the key injection at line \(line(injection.element)) is not rewritten: <include-fragment> at line \(line(include)) runs after where its <authentication-managed-identity> would stand and includes a fragment \(why), so whether it reads, removes or writes the Authorization header, or routes the request elsewhere, is not known; scan the files that define the fragment and run again, or migrate it by hand"
  }

  static func unreadableParentMessage(_ injection: KeyInjection, parents: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: this scope runs inside \(parents.count == 1 ? "a parent scope" : "parent scopes") whose policy could not be read (\(parents.prefix(3).joined(separator: "; "))\(parents.count > 3 ? "; and \(parents.count - 3) more" : "")), so whether \(parents.count == 1 ? "it reads, removes or writes" : "they read, remove or write") the Authorization header around this scope's <authentication-managed-identity>, or \(parents.count == 1 ? "routes" : "route") the request to another backend, is not known; run on the files that hold \(parents.count == 1 ? "that policy" : "those policies") too, or migrate it by hand"
  }
}
