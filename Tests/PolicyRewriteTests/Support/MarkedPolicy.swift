import Testing

@testable import PolicyRewrite

/// A test's policy text with the places where findings are expected marked in it (`/*1*/`,
/// `/*conflict*/`, …) instead of line numbers written apart from it: the markers are taken out
/// of ``text`` and their places (1-based line and column of the byte after the marker) kept.
///
/// ```swift
/// let policy = MarkedPolicy("<policies>\n  <inbound>\n    /*1*/<set-header …")
/// expectFinding(.keyInjection, at: policy["1"], in: try rewrite(policy.text).findings)
/// ```
struct MarkedPolicy {
  /// A place in ``text``.
  struct Place: Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var description: String { "\(line):\(column)" }
  }

  /// The text without its markers.
  let text: String
  private let places: [String: Place]

  init(_ marked: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var text = ""
    var places: [String: Place] = [:]
    var line = 1
    var column = 1
    var rest = Substring(marked)
    while !rest.isEmpty {
      if rest.hasPrefix("/*"), let close = rest.range(of: "*/"),
        case let name = rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound],
        !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
      {
        #expect(places[String(name)] == nil, "marker /*\(name)*/ is used twice", sourceLocation: sourceLocation)
        places[String(name)] = Place(line: line, column: column)
        rest = rest[close.upperBound...]
        continue
      }
      let character = rest.removeFirst()
      text.append(character)
      if character == "\n" || character == "\r\n" {
        line += 1
        column = 1
      } else {
        column += character.unicodeScalars.count
      }
    }
    self.text = text
    self.places = places
  }

  /// The place of the marker `name`.
  subscript(_ name: String) -> Place {
    guard let place = places[name] else {
      Issue.record("no marker /*\(name)*/ in the policy")
      return Place(line: 0, column: 0)
    }
    return place
  }
}

extension Finding {
  /// Where the finding is, to compare with a ``MarkedPolicy`` place.
  var place: MarkedPolicy.Place { MarkedPolicy.Place(line: line, column: column) }
}

/// Expects exactly one finding of `rule` among `findings`, at `place`.
func expectFinding(
  _ rule: Rule, at place: MarkedPolicy.Place, in findings: [Finding], sourceLocation: SourceLocation = #_sourceLocation
) {
  let matching = findings.filter { $0.id == .rule(rule) }
  #expect(matching.map(\.place) == [place], "\(rule.rawValue) at \(place): \(findings)", sourceLocation: sourceLocation)
}
