import Testing

@testable import PolicyDOM
@testable import PolicyRewrite
@testable import PolicyRewriteCLI

/// `ExpressionMasker`: same-length masking of what XML cannot hold inside raw expressions.
@Suite struct MaskerTests {
  /// Masks `source` and expects `expected` (`nil`: nothing to mask), and the same length.
  static func expectMask(
    _ source: String, _ expected: String?, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let masked = try ExpressionMasker.mask(bytes(source))
    if let expected {
      let masked = try #require(masked, "nothing was masked in \(source)", sourceLocation: sourceLocation)
      #expect(masked.count == bytes(source).count, sourceLocation: sourceLocation)
      expectBytes(masked, bytes(expected), source, sourceLocation: sourceLocation)
    } else {
      #expect(masked == nil, "\(masked.map(string) ?? "")", sourceLocation: sourceLocation)
    }
  }

  @Test func nothingToMaskGivesNil() throws {
    try Self.expectMask("<policies><inbound><base /></inbound></policies>", nil)
    // An e-mail address is not an expression; `!` and `%` alone are not templates.
    try Self.expectMask("<v>mail ops@example.com! 100%</v>", nil)
    // An expression with nothing XML cannot hold.
    try Self.expectMask(#"<v a="@(context.RequestId)">@(1 + 2)</v>"#, nil)
  }

  @Test func quotesLessThanAndAmpersandsAreMaskedInsideAttributeExpressionsOnly() throws {
    try Self.expectMask(
      #"<x a="@(f("q") < 1 && g > 2)" b="&amp;" c="x > y" />"#,
      #"<x a="@(f(_q_) _ 1 __ g > 2)" b="&amp;" c="x > y" />"#)
  }

  @Test func textExpressionsMaskLessThanAndAmpersandButNotQuotesOrGreaterThan() throws {
    // `>` is legal in text, except in `]]>`.
    try Self.expectMask(
      #"<v>@(a < b && c > d ? "x" : "y")</v><w>a &amp; b</w>"#,
      #"<v>@(a _ b __ c > d ? "x" : "y")</v><w>a &amp; b</w>"#)
    try Self.expectMask("<v>@(s[t[0]]>1)</v>", "<v>@(s[t[0]]_1)</v>")
    // After leading white space too.
    try Self.expectMask(
      "<v>\n  @{ return a<b; }\n</v>",
      "<v>\n  @{ return a_b; }\n</v>")
  }

  @Test func expressionInASingleQuotedAttributeMasksSingleQuotes() throws {
    try Self.expectMask(
      #"<x a='@(f('x') + "y" + (a < b))' />"#,
      #"<x a='@(f(_x_) + "y" + (a _ b))' />"#)
  }

  @Test func maskingKeepsTheLength() throws {
    let source = bytes(
      #"""
      <policies>
        <inbound>
          <set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault<string>("x", "") != "" && true)" />
          <set-body>@{
            var j = context.Request.Body.As<JObject>();
            return $"{j["a"]}<{'"'}>";
          }</set-body>
          <!-- -- -->
        </inbound>
      </policies>
      """#)
    let masked = try #require(try ExpressionMasker.mask(source))
    #expect(masked.count == source.count)
    // Only `_` replaces bytes, and line breaks never move.
    for (original, new) in zip(source, masked) where original != new {
      #expect(new == UInt8(ascii: "_"))
    }
    #expect(source.indices.filter { source[$0] == 0x0A } == masked.indices.filter { masked[$0] == 0x0A })
  }

  @Test func verbatimStringsDoNotTreatBackslashAsAnEscape() throws {
    // `@"\"` is a backslash; `")"` holds a bracket that does not close the expression.
    try Self.expectMask(
      #"<x a="@(@"\" + ")")" b="1" />"#,
      #"<x a="@(@_\_ + _)_)" b="1" />"#)
    // A doubled quote inside a verbatim string.
    try Self.expectMask(
      #"<x a="@(@"say ""(hi"" <now>")" />"#,
      #"<x a="@(@_say __(hi__ _now>_)" />"#)
  }

  @Test func regularStringsHonourEscapes() throws {
    try Self.expectMask(
      #"<x a="@("a\")" + b)" />"#,
      #"<x a="@(_a\_)_ + b)" />"#)
  }

  @Test func interpolatedStringsWithQuotedHoles() throws {
    // The hole's `")"` is a string in the hole, not the end of the interpolated string.
    try Self.expectMask(
      #"<x a="@($"{d[")"]}<")" />"#,
      #"<x a="@($_{d[_)_]}__)" />"#)
    try Self.expectMask(
      #"<v>@($"{d["k"]} & {{literal}}")</v>"#,
      #"<v>@($"{d["k"]} _ {{literal}}")</v>"#)
    try Self.expectMask(
      #"<x a="@($@"{x}\" + "(")" />"#,
      #"<x a="@($@_{x}\_ + _(_)" />"#)
  }

  @Test func charLiterals() throws {
    try Self.expectMask(
      #"<x a="@(c == '"' || c == '<' || c == ')' || c == '\'' || c == '{')" />"#,
      #"<x a="@(c == '_' || c == '_' || c == ')' || c == '\'' || c == '{')" />"#)
  }

  @Test func lineComments() throws {
    try Self.expectMask(
      "<x a=\"@{ // it's \"one\" ) of <many>\n return 1 & 2; }\" />",
      "<x a=\"@{ // it's _one_ ) of _many>\n return 1 _ 2; }\" />")
    try Self.expectMask(
      "<v>@{\n  // don't ( \"\n  return a < b;\n}</v>",
      "<v>@{\n  // don't ( \"\n  return a _ b;\n}</v>")
  }

  @Test func blockComments() throws {
    try Self.expectMask(
      #"<x a="@(1 /* ) " ' */ + 2 < 3)" />"#,
      #"<x a="@(1 /* ) _ ' */ + 2 _ 3)" />"#)
  }

  @Test func escapedQuotEntityForm() throws {
    // `&quot;a)&quot;` is a string holding a bracket; entity references are valid XML and
    // stay, so an escaped file is not copied at all.
    try Self.expectMask(#"<x a="@(&quot;a)&quot; + b)" c="&quot;" />"#, nil)
    try Self.expectMask(
      #"<x a="@(&quot;a&quot; &amp;&amp; b &#x3C; c && d)" />"#,
      #"<x a="@(&quot;a&quot; &amp;&amp; b &#x3C; c __ d)" />"#)
  }

  @Test func commentsWithDoubleHyphens() throws {
    try Self.expectMask("<p><!-- a -- b --></p>", "<p><!-- a __ b --></p>")
    try Self.expectMask(
      "<p><!-- x-functions-key --><v>@(a < b)</v></p>",
      "<p><!-- x_functions_key --><v>@(a _ b)</v></p>")
    // Expressions inside comments are not expressions.
    try Self.expectMask("<p><!-- @(a < b \" --></p>", nil)
  }

  @Test func cdataIsLeftAlone() throws {
    try Self.expectMask(
      "<p><![CDATA[@(a < b && \"c\")]]><v>@(x&y)</v></p>", "<p><![CDATA[@(a < b && \"c\")]]><v>@(x_y)</v></p>")
  }

  @Test func terraformTemplates() throws {
    try Self.expectMask(
      #"<v a="${x < y && z}">%{ if a && b }<w/>%{ endif }</v>"#,
      #"<v a="${x _ y __ z}">%{ if a __ b }<w/>%{ endif }</v>"#)
    try Self.expectMask(
      #"<v a="${jsonencode({"k" = "v > 1"})}" />"#,
      #"<v a="${jsonencode({_k_ = _v > 1_})}" />"#)
    // A sequence never crosses what looks like a tag, even inside a string: rendered, the
    // string would put that tag into the policy. It is left as written.
    try Self.expectMask(#"<v a="${jsonencode({"k" = "<v>"})}" />"#, nil)
    // `$${` and `%%{` are escapes, not templates.
    try Self.expectMask(#"<v a="$${a < b}" />"#, nil)
  }

  @Test func unterminatedExpressionThrowsWithTheOffsetOfItsAt() throws {
    for (source, offset) in [
      (#"<x a="@(f(1)" />"#, 6),
      ("<v>@{ return 1; </v>", 3),
      (#"<x a="@(")" />"#, 6),
    ] {
      #expect(throws: ExpressionMasker.UnterminatedExpression.self, "\(source)") {
        _ = try ExpressionMasker.mask(bytes(source))
      }
      do {
        _ = try ExpressionMasker.mask(bytes(source))
      } catch {
        #expect(error.offset == offset, "\(source)")
      }
    }
  }
}
