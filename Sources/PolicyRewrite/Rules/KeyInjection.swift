import PolicyDOM

/// A `<set-header>` that injects a function key, and what the rules do with it.
struct KeyInjection {
  /// Where the Managed Identity element for an injection goes.
  enum Placement {
    /// A direct child of `<inbound>`: removed; one MI element goes after `<base />`.
    case inboundTop(inbound: PolicyElement)
    /// Nested inside `<inbound>` or in a fragment: replaced in place by the MI element.
    /// `scope` is the `<inbound>` or the `<fragment>` holding it.
    case inPlace(parent: PolicyElement, scope: PolicyElement, inFragment: Bool)
    /// Inside a `<send-request>`: removed; one MI element goes in the documented child order.
    case sendRequest(PolicyElement)
    /// Not rewritten: reported for review with this rule.
    case review(Rule)
    /// Not rewritten: a suppression comment or the baseline accepts it (migration only).
    case accepted

    /// The element that receives the MI element, or `nil` for review.
    var container: PolicyElement? {
      switch self {
      case .inboundTop(let inbound): inbound
      case .inPlace(let parent, _, _): parent
      case .sendRequest(let request): request
      case .review, .accepted: nil
      }
    }
  }

  /// Where the key comes from.
  enum ValueSource: Hashable, Sendable {
    /// A named value, `{{name}}` (directly, or through a variable set from one).
    case namedValue(String)
    /// A literal: a leaked secret.
    case literal
    /// A policy expression that could not be traced to a named value.
    case expression
    /// A template placeholder (`${...}`, `{#token#}`) filled in at deployment.
    case template
    /// No `<value>`.
    case none
  }

  /// The `<set-header>` element.
  let element: PolicyElement
  /// The header name as written.
  let headerName: String
  /// What the rules do with it.
  let placement: Placement
  /// Where the key comes from.
  let valueSource: ValueSource
  /// The section path of the element's parent, such as `inbound/choose/when`.
  let section: String

  /// The named value holding the key, when known.
  var namedValue: String? {
    if case .namedValue(let name) = valueSource { return name }
    return nil
  }

  /// Where the element starts in the document.
  var offset: Int { element.range.lowerBound }

  /// Whether the rules rewrite this injection.
  var isRewritable: Bool {
    switch placement {
    case .review, .accepted: false
    default: true
    }
  }

  /// Whether a suppression comment or the baseline accepts it, so the migration leaves it.
  var isAccepted: Bool {
    if case .accepted = placement { return true }
    return false
  }

  /// Its `exists-action`, lowercased; `override` when absent.
  var existsAction: String {
    element.attribute("exists-action")?.trimmingXMLSpace.lowercased() ?? "override"
  }

  /// The same injection, placed elsewhere.
  func placed(_ placement: Placement) -> KeyInjection {
    KeyInjection(
      element: element, headerName: headerName, placement: placement, valueSource: valueSource, section: section)
  }

  /// The same injection, not rewritten: reported for review with `rule`.
  func leftForReview(_ rule: Rule) -> KeyInjection {
    KeyInjection(
      element: element, headerName: headerName, placement: .review(rule), valueSource: valueSource, section: section)
  }
}
