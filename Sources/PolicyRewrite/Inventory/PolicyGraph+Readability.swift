import PolicyDOM

extension PolicyGraph {
  /// Why the policy `bytes` (a file at `path`, or a policy written inline in it) cannot be
  /// read for the checks across scopes: it does not parse as the rewrite parses it (each
  /// alternative document of a template on its own); `nil` when it parses. A whole file's
  /// bytes are parsed through `store` when there is one, which keeps the document for the
  /// passes after (the cross-scope pass reads the same child scopes, the run's own every file).
  package static func parseProblem(_ bytes: [UInt8], path: String, store: ParsedDocuments? = nil) -> ParseError? {
    let kind = SourceKind(path: path)
    let alternatives = kind.masksTemplates && TerraformTemplateContainer.holdsAlternatives(bytes)
    let documents = alternatives ? TerraformTemplateContainer.alternatives(of: bytes).map(\.decoded) : [bytes]
    for document in documents {
      do {
        if !alternatives, let store {
          _ = try store.parse(document, options: kind.parseOptions)
        } else {
          _ = try PolicyDocument.checkWellFormed(document, options: kind.parseOptions)
        }
      } catch {
        return error
      }
    }
    return nil
  }

  /// For each of `policies`, the fragments it includes, itself or through the fragments it
  /// includes, that no file of the run defines, each as `'id'` with where the include stands
  /// (`at path:line`; the file alone for a policy written inline): what they do with
  /// `Authorization` is not known.
  package func unresolvedFragments(of policies: [Policy]) -> [[String]] {
    var byPath: [String: [Include]] = [:]
    for include in self.includes { byPath[include.path, default: []].append(include) }
    var definitions: [String: [Policy]] = [:]
    for policy in self.policies where policy.scope == .fragment {
      if let id = policy.fragment { definitions[id, default: []].append(policy) }
    }
    /// The includes of one policy: from its text when it is inline (its file's includes are
    /// every inline policy's), else its file's.
    func includesOf(_ policy: Policy) -> [Include] {
      guard let text = policy.inlineText else { return byPath[policy.path] ?? [] }
      let aliases = writtenFragmentIDs[policy.path] ?? [:]
      return Self.includes(in: Array(text.utf8), path: policy.path, lineOffset: 0).map { include in
        var include = include
        include.fragment = aliases[include.fragment] ?? include.fragment
        return include
      }
    }
    return policies.map { policy in
      var found: [String] = []
      var seen = Set<String>()
      var work = [policy]
      while let current = work.popLast() {
        for include in includesOf(current) where seen.insert(include.fragment).inserted {
          guard let defining = definitions[include.fragment] else {
            found.append(
              "'\(include.fragment)' at \(current.path)" + (current.inlineText == nil ? ":\(include.line)" : ""))
            continue
          }
          work += defining
        }
      }
      return found
    }
  }
}
