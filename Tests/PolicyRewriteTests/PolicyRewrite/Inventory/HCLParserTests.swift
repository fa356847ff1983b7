import Testing

@testable import PolicyRewrite

/// The HCL reader: blocks, attributes, expressions and templates, and its limits.
struct HCLParserTests {
  static func parse(_ text: String) -> HCLSyntax.File { HCLParser.parse(Array(text.utf8)) }

  @Test func blocksWithQuotedAndUnquotedLabelsAndNestedBlocks() {
    let file = Self.parse(
      """
      resource "azurerm_api_management_api_policy" orders {
        api_name = "orders" # comment
        // another
        /* and
           a block comment */
        dynamic "x" {
          content { a = 1 }
        }
      }
      locals {}
      """)
    #expect(file.error == nil)
    #expect(file.body.blocks.map(\.type) == ["resource", "locals"])
    let resource = file.body.blocks[0]
    #expect(resource.labels == ["azurerm_api_management_api_policy", "orders"])
    #expect(resource.body.attribute("api_name")?.value.literalString == "orders")
    #expect(resource.body.blocks.first?.labels == ["x"])
    #expect(resource.body.blocks.first?.body.blocks.first?.body.attribute("a")?.value.literalString == "1")
  }

  @Test func traversalsCallsListsAndObjects() throws {
    let file = Self.parse(
      """
      a = azurerm_api_management_api.orders.name
      b = file("${path.module}/policies/api.xml")
      c = templatefile("x.xml", { backend = var.url, "k" : 2 })
      d = [
        { operation_id = "get", xml_content = file("get.xml") },
        { operation_id = "put"
          xml_content = "<policies/>" },
      ]
      e = local.map["key"][0].id
      f = var.enabled ? "yes" : "no"
      g = [for x in var.list : x.name]
      h = jsonencode({ a = [1, 2] })
      i = -1
      """)
    #expect(file.error == nil)
    let body = file.body
    #expect(body.attribute("a")?.value.traversal == "azurerm_api_management_api.orders.name")
    guard case .call(let name, let arguments)? = body.attribute("b")?.value.kind else {
      Issue.record("not a call")
      return
    }
    #expect(name == "file")
    guard case .string(let parts) = arguments[0].kind else { throw HCLTestError.unexpected }
    #expect(parts == [.interpolation("path.module"), .text("/policies/api.xml")])
    guard case .call("templatefile", let templateArguments)? = body.attribute("c")?.value.kind else {
      throw HCLTestError.unexpected
    }
    #expect(templateArguments[1].member("backend")?.traversal == "var.url")
    #expect(templateArguments[1].member("k")?.literalString == "2")
    guard case .tuple(let operations)? = body.attribute("d")?.value.kind else { throw HCLTestError.unexpected }
    #expect(operations.map { $0.member("operation_id")?.literalString } == ["get", "put"])
    #expect(operations[1].member("xml_content")?.literalString == "<policies/>")
    #expect(body.attribute("e")?.value.traversal == "local.map.key.0.id")
    #expect(body.attribute("f") != nil)
    #expect(body.attribute("g") != nil)
    #expect(body.attribute("i") != nil)
  }

  @Test func conditionalsAreRightAssociativeAndKeepTheirBranches() throws {
    let file = Self.parse(
      """
      a = var.x == "p" ? file("a.xml") : var.y ? templatefile("b.tpl", { k = 1 }) : null
      b = var.x ? (var.y ? "c" : "d") : "e"
      c = { k : var.z ? 1 : 2 }
      """)
    #expect(file.error == nil)
    guard case .conditional(let condition, let then, let otherwise)? = file.body.attribute("a")?.value.kind else {
      Issue.record("not a conditional")
      return
    }
    #expect(condition.isOperation)
    guard case .call("file", _) = then.kind, case .conditional(_, let inner, let last) = otherwise.kind,
      case .call("templatefile", _) = inner.kind, case .literal("null") = last.kind
    else {
      Issue.record("branches not kept: \(then.kind), \(otherwise.kind)")
      return
    }
    guard case .conditional(_, let nested, let e)? = file.body.attribute("b")?.value.kind else {
      Issue.record("not a conditional")
      return
    }
    #expect(nested.isOperation && e.literalString == "e")
    let object = try #require(file.body.attribute("c")?.value)
    guard case .conditional? = object.member("k")?.kind else {
      Issue.record("an object member's conditional")
      return
    }
  }

  @Test func parenthesesHoldTheExpressionTheyEnclose() throws {
    let file = Self.parse(
      """
      a = (var.x ? file("a.xml") : (file("b.xml")))
      b = (local.a).b
      m = { (local.k) = 1, ("q") = 2 }
      """)
    #expect(file.error == nil)
    guard case .conditional(_, let then, let otherwise)? = file.body.attribute("a")?.value.kind,
      case .call("file", _) = then.kind, case .call("file", _) = otherwise.kind
    else {
      Issue.record("not a conditional of two files: \(String(describing: file.body.attribute("a")?.value.kind))")
      return
    }
    #expect(file.body.attribute("b")?.value.traversal == "local.a.b")
    // A key in parentheses is an expression: `local.k` keeps its dot, which no name has.
    guard case .object(let members)? = file.body.attribute("m")?.value.kind else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.key) == ["local.k", "q"])
  }

  @Test func heredocsPlainAndIndented() throws {
    let file = Self.parse(
      "x = <<XML\n<policies>\n  <inbound/>\n</policies>\nXML\n"
        + "y = <<-EOT\n    <fragment>\n      ${var.a}\n    </fragment>\n    EOT\nz = 1\n")
    #expect(file.error == nil)
    #expect(file.body.attribute("x")?.value.literalString == "<policies>\n  <inbound/>\n</policies>\n")
    guard case .heredoc(let parts, _)? = file.body.attribute("y")?.value.kind else { throw HCLTestError.unexpected }
    #expect(parts == [.text("<fragment>\n  "), .interpolation("var.a"), .text("\n</fragment>\n")])
    #expect(file.body.attribute("z")?.value.literalString == "1")
  }

  @Test func quotedTemplatesWithNestedStringsDirectivesAndEscapes() {
    let file = Self.parse(
      #"""
      a = "x-${lookup(var.m, "k}", "d")}-%{ if var.b }on%{ endif }"
      b = "say \"hi\"\n$${literal}"
      """#)
    #expect(file.error == nil)
    guard case .string(let parts)? = file.body.attribute("a")?.value.kind else {
      Issue.record("not a string")
      return
    }
    #expect(
      parts == [
        .text("x-"), .interpolation(#"lookup(var.m, "k}", "d")"#), .text("-"), .directive(" if var.b "),
        .text("on"), .directive(" endif "),
      ])
    #expect(file.body.attribute("b")?.value.literalString == "say \"hi\"\n${literal}")
  }

  /// The parser found an interpolation's end with a scan of its own that took the `$${` escape
  /// in a nested string for an interpolation, so the first interpolation swallowed the rest of
  /// the template. It now uses the lexer's scan.
  @Test func anEscapedInterpolationInANestedStringDoesNotSwallowTheTemplate() {
    let file = Self.parse(
      #"""
      a = "${replace(var.x, "$${", "")}-${var.key}"
      """#)
    #expect(file.error == nil)
    guard case .string(let parts)? = file.body.attribute("a")?.value.kind else {
      Issue.record("not a string")
      return
    }
    #expect(parts == [.interpolation(#"replace(var.x, "$${", "")"#), .text("-"), .interpolation("var.key")])
  }

  @Test func aSyntaxErrorIsReportedAndLaterBlocksStillRead() {
    let file = Self.parse("resource \"a\" \"b\" {\n  x = = 1\n}\nresource \"c\" \"d\" {\n  y = 2\n}\n")
    #expect(file.error != nil)
    #expect(file.body.blocks.map(\.labels) == [["c", "d"]])
  }

  @Test func anUnterminatedStringOrHeredocIsAnError() {
    #expect(Self.parse("a = \"open\n").error != nil)
    #expect(Self.parse("a = <<EOT\nno end\n").error != nil)
  }

  /// Lists, objects, calls, blocks and interpolations nested 1,000 deep: an error at
  /// ``HCLParser/maximumDepth`` (or a plain string).
  @Test func nestingDeeperThanTheLimitIsAnError() {
    Self.expectNestingHandled(depth: 1_000)
  }

  /// The same nested 175,000 deep: an error (or a plain string), never a stack overflow (a
  /// recursive scan of `${"` overflowed the thread's stack at this depth). Slow: megabytes lexed.
  @Test(.slow, .tags(.slow)) func deepNestingStopsAtTheLimitWithoutOverflowingTheStack() {
    Self.expectNestingHandled(depth: 175_000)
  }

  /// Each construct nested `n` deep is a "nesting deeper than" error, except interpolations in
  /// strings, which make one string.
  static func expectNestingHandled(depth n: Int) {
    for (open, close) in [("[", "]"), ("{a=", "}"), ("f(", ")"), ("(", ")")] {
      let text = "x = " + String(repeating: open, count: n) + "1" + String(repeating: close, count: n) + "\n"
      let file = Self.parse(text)
      #expect(file.error?.message.contains("nesting deeper than") == true, "\(open) \(n) deep")
    }
    let blocks = String(repeating: "b {\n", count: n) + String(repeating: "}\n", count: n)
    #expect(Self.parse(blocks).error?.message.contains("nesting deeper than") == true, "blocks \(n) deep")
    let strings = "x = " + String(repeating: "\"${", count: n) + String(repeating: "}\"", count: n) + "\ny = 2\n"
    let file = Self.parse(strings)
    #expect(file.error == nil)
    #expect(file.body.attribute("y")?.value.literalString == "2")
  }

  /// Work grows linearly: the token count of a doubled input doubles.
  @Test func tokensGrowLinearly() {
    let unit = "resource \"t\" \"n\" {\n  a = [\"x\", { b = f(c.d) }]\n}\n"
    let one = HCLLexer.tokens(Array(String(repeating: unit, count: 1000).utf8)).count
    let two = HCLLexer.tokens(Array(String(repeating: unit, count: 2000).utf8)).count
    #expect(two == 2 * one - 1)
  }

  @Test func terraformBlocksReadDeclarationsThroughTheParser() {
    let source = Array(
      """
      resource "azurerm_api_management_named_value" "key" {
        name         = "fn-key"
        display_name = "fn-key"
        secret       = true
        value_from_key_vault { secret_id = azurerm_key_vault_secret.k.id }
      }
      """.utf8)
    let blocks = Array(TerraformBlocks(source))
    #expect(blocks.count == 1)
    #expect(blocks[0].string("display_name") == "fn-key")
    #expect(blocks[0].expression("secret") == "true")
    #expect(blocks[0].expression("secret_id") == "azurerm_key_vault_secret.k.id")
  }
}

enum HCLTestError: Error { case unexpected }
