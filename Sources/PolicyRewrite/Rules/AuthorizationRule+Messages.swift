import PolicyDOM

/// The messages of ``AuthorizationRule``: each names the lines (or files and lines) involved.
extension AuthorizationRule {
  static func line(_ element: PolicyElement) -> Int { element.location.line }

  static func writerMessage(_ injection: KeyInjection, writer: AuthorizationScan.Touch) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: <authentication-managed-identity> writes the Authorization header, and <\(writer.element.name)> at line \(line(writer.element)) writes it too, so one token would overwrite the other; migrate it by hand"
  }

  static func readerAfterMessage(_ injection: KeyInjection, reader: AuthorizationScan.Touch) -> String {
    let what: String
    switch (reader.kind, reader.possible) {
    case (.remover, false):
      what = "which removes the Authorization header: it would strip APIM's token instead of the caller's"
    case (.remover, true):
      what =
        "which removes a header named by a named value, an expression or a template: if it is Authorization, it would strip APIM's token instead of the caller's"
    case (_, true):
      what =
        "which reads a header named by a named value, an expression or a template: if it is Authorization, it would get APIM's token instead of the caller's"
    default:
      what = "which reads the caller's Authorization header and would get APIM's token instead"
    }
    return
      "the key injection at line \(line(injection.element)) is not rewritten: replaced in place, its <authentication-managed-identity> would run before <\(reader.element.name)> at line \(line(reader.element)), \(what); migrate it by hand"
  }

  static func existingUndoneMessage(
    _ injection: KeyInjection, rule: Rule, touch: AuthorizationScan.Touch, children: [String]
  ) -> String {
    let what: String
    switch rule {
    case .authorizationChildScope:
      what =
        "\(list(children)) \(children.count == 1 ? "reads, removes or writes" : "read, remove or write") the Authorization header after \(children.count == 1 ? "its" : "their") <base />"
    case .authorizationWriter:
      what = "<\(touch.element.name)> at line \(line(touch.element)) writes the Authorization header after it"
    default:
      what = "<\(touch.element.name)> at line \(line(touch.element)) removes the Authorization header after it"
    }
    return
      "the key injection at line \(line(injection.element)) is not rewritten: an <authentication-managed-identity> with the key's resource is already here, but \(what), so its token does not reach the backend; removing the key would leave the backend with neither key nor token (and a second <authentication-managed-identity> is not added); migrate it by hand"
  }

  static func outputVariableMessage(_ injection: KeyInjection, existing: PolicyElement) -> String {
    let variable = tokenVariable(of: existing) ?? ""
    let instead =
      existing.parent?.hasName("send-request") == true || existing.parent?.hasName("send-one-way-request") == true
      ? "in a <send-request>, whether its other children see the variable is not known:"
      : "set the header from the variable right after it (<set-header name=\"Authorization\" exists-action=\"override\"><value>@(\"Bearer \" + (string)context.Variables[\"\(variable)\"])</value></set-header>), or"
    return
      "the key injection at line \(line(injection.element)) is not rewritten: the <authentication-managed-identity> at line \(line(existing)) already has the key's resource, but its output-token-variable-name=\"\(variable)\" may put the token only into that variable, not into the Authorization header, so removing the key could leave the backend with neither key nor token (and a second <authentication-managed-identity> is not added); \(instead) migrate it by hand"
  }

  static func existingInDirectiveMessage(_ injection: KeyInjection, existing: PolicyElement) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: the <authentication-managed-identity> at line \(line(existing)) already here stands inside a Terraform %{ if }/%{ for } directive branch that the key is not in, so when the template renders without it the backend would get neither key nor token; migrate it by hand"
  }

  static func laterSectionMessage(_ injection: KeyInjection, reader: AuthorizationScan.Touch) -> String {
    let section = reader.top.parent?.name ?? "outbound"
    let what =
      reader.element.hasName("send-request") || reader.element.hasName("send-one-way-request")
      ? "copies the request's headers, Authorization included, to another service"
      : "reads the request's Authorization header"
    return
      "the key injection at line \(line(injection.element)) is not rewritten: its <authentication-managed-identity> in <inbound> sets the request's Authorization header to APIM's token, and <\(reader.element.name)> at line \(line(reader.element)) in <\(section)> \(what), so it would get that token instead of the caller's; migrate it by hand"
  }

  static func childScopeMessage(_ injection: KeyInjection, children: [String]) -> String {
    // Each child says what it does and where (`Frontend`): "PATH, which removes …".
    let files =
      children.prefix(3).joined(separator: "; ") + (children.count > 3 ? "; and \(children.count - 3) more" : "")
    return
      "the key injection at line \(line(injection.element)) is not rewritten: this scope's <authentication-managed-identity> would run inside the <base /> of \(children.count == 1 ? "a child scope" : "child scopes") that would see, strip or overwrite APIM's token, or pass it on to another backend: \(files); migrate it by hand"
  }

  static func unreadableChildMessage(_ injection: KeyInjection, children: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: this scope's <authentication-managed-identity> would run inside the <base /> of \(children.count == 1 ? "a child scope" : "child scopes") whose policy could not be read (\(children.prefix(3).joined(separator: "; "))\(children.count > 3 ? "; and \(children.count - 3) more" : "")), so whether \(children.count == 1 ? "it reads, removes or writes" : "they read, remove or write") the Authorization header after it is not known; make that policy readable to the run (scan its files, or fix it) and run again, or migrate it by hand"
  }

  static func parentScopeMessage(_ injection: KeyInjection, base: PolicyElement, parents: [String])
    -> String
  {
    "the key injection at line \(line(injection.element)) is not rewritten: replaced in place, its <authentication-managed-identity> would run before the <base /> at line \(line(base)), where \(list(parents)) \(parents.count == 1 ? "reads or removes" : "read or remove") the caller's Authorization header and would get APIM's token instead; migrate it by hand"
  }

  static func parentLaterReaderMessage(_ injection: KeyInjection, parents: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: its <authentication-managed-identity> in <inbound> sets the request's Authorization header to APIM's token, and \(list(parents)), a parent scope, \(parents.count == 1 ? "reads" : "read") the request's Authorization header in <backend>, <outbound> or <on-error>, which run after every <inbound> of the pipeline, so \(parents.count == 1 ? "it" : "they") would get that token instead of the caller's; migrate it by hand"
  }

  static func otherBackendMessage(_ injection: KeyInjection, backend: PolicyElement) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: <set-backend-service> at line \(line(backend)) sends some requests to a backend that does not look like the Function App, which would receive APIM's token instead of the caller's Authorization header; put the <authentication-managed-identity> only in the branches that reach the Function App, by hand"
  }

  static func parentWriterMessage(_ injection: KeyInjection, parents: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: \(list(parents)), a parent scope that runs in the same pipeline, \(parents.count == 1 ? "writes" : "write") the Authorization header in <inbound>, and <authentication-managed-identity> writes it too, so one value would overwrite the other (whichever runs last wins); migrate it by hand"
  }

  static func childWriterMessage(
    _ injection: KeyInjection, writers: [RewriteConfiguration.ChildScopeWriter]
  ) -> String {
    let named = list(writers.map { "<\($0.element)> at \($0.location)" })
    return
      "the key injection at line \(line(injection.element)) is not rewritten: \(named), in a child scope before its <base />, \(writers.count == 1 ? "writes" : "write") the Authorization header before this scope runs, and this scope's <authentication-managed-identity> would overwrite \(writers.count == 1 ? "that value" : "those values") with APIM's token, so the child's backend would get the wrong credentials; migrate it by hand"
  }

  static func parentBackendMessage(_ injection: KeyInjection, parents: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: \(list(parents)), a parent scope that runs in the same pipeline, \(parents.count == 1 ? "sends" : "send") requests to a backend that does not look like the Function App, and this policy does not set a Function App backend for every request after its <base />, so that backend would receive APIM's token instead of the caller's Authorization header; set the backend for every request, or migrate it by hand"
  }

  static func skipMessage(_ injection: KeyInjection, skip: KeyInjection, earlier: KeyInjection) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: the exists-action=\"skip\" injection at line \(line(skip.element)) follows the injection at line \(line(earlier.element)) of the same header, so the skip never took effect; as <authentication-managed-identity> it would overwrite the token (with another audience); migrate it by hand"
  }

  static func parentSkipMessage(_ injection: KeyInjection, base: PolicyElement, parents: [String]) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: it is exists-action=\"skip\" after the <base /> at line \(line(base)), where \(list(parents)), a parent scope, \(parents.count == 1 ? "sets" : "set") the key header first, so the skip never took effect; as <authentication-managed-identity> it would overwrite the parent's value with a token (of another audience); migrate it by hand"
  }

  static func directiveMessage(_ injection: KeyInjection) -> String {
    "the key injection at line \(line(injection.element)) is not rewritten: its <authentication-managed-identity> would stand outside the Terraform %{ if }/%{ for } directive branch that holds the injection, so the token would no longer follow the directive; migrate it by hand"
  }

  static func possibleReaderMessage(_ injection: KeyInjection, _ readers: [AuthorizationScan.Touch]) -> String {
    let each = readers.map { "<\($0.element.name)> at line \(line($0.element))" }
    let named = each.count == 2 ? each.joined(separator: " and ") : list(each)
    let one = readers.count <= 1
    return
      "\(named) \(one ? "reads a header" : "read headers") named by a named value, an expression or a template, which may be Authorization: the <authentication-managed-identity> that replaces the key injection at line \(line(injection.element)) is placed after \(one ? "it" : "them"), so that \(one ? "it still sees" : "they still see") the caller's token; if \(one ? "it is" : "one is") Authorization, the backend now receives APIM's token instead of the caller's"
  }

  static func tokenReplacedMessage(
    _ injection: KeyInjection, _ reader: AuthorizationScan.Touch, outputTokenVariable: String?
  ) -> String {
    tokenReplaced(
      "<\(reader.element.name)> at line \(line(reader.element)) reads the caller's Authorization header and nothing removes it",
      injection, outputTokenVariable: outputTokenVariable)
  }

  /// The note that the backend now receives APIM's token: `who` reads the caller's header
  /// before the MI element that replaces `injection`.
  private static func tokenReplaced(_ who: String, _ injection: KeyInjection, outputTokenVariable: String?)
    -> String
  {
    let option =
      outputTokenVariable == nil
      ? ""
      : " (output-token-variable-name does not keep the caller's token: it puts APIM's token into a variable)"
    return
      "\(who) before the <authentication-managed-identity> that replaces the key injection at line \(line(injection.element)): the backend now receives APIM's token instead of the caller's; if the Function App needs the caller's token, copy it into another header before the MI element (<set-header name=\"X-Caller-Authorization\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(\"Authorization\",\"\"))</value></set-header>)\(option)"
  }

  /// `message`, noting in `named` the scopes it names when it names only the first few of them
  /// (``list(_:)``).
  static func naming(_ scopes: [String], in named: inout [String], _ message: String) -> String {
    if scopes.count > 3 { named = scopes }
    return message
  }

  static func parentTokenReplacedMessage(
    _ injection: KeyInjection, parents: [String], outputTokenVariable: String?
  ) -> String {
    tokenReplaced(
      "\(list(parents)), a parent scope that runs at this scope's <base />, \(parents.count == 1 ? "reads" : "read") the caller's Authorization header",
      injection, outputTokenVariable: outputTokenVariable)
  }

  static func list(_ files: [String]) -> String {
    files.prefix(3).joined(separator: ", ") + (files.count > 3 ? " and \(files.count - 3) more" : "")
  }
}
