extension SourceFormatDescription {
  /// Where a file of the format holds comments: XML comments in a policy, line comments too in
  /// a file that only holds credentials, and in a container what the container says.
  var comments: Comments {
    switch reading {
    case .policy, .byContent: .xml
    case .container(let container, _): container.comments
    case .credentials: .lines()
    }
  }

  /// Where a file of a format may hold a comment, and so a `policy-rewrite: ignore`
  /// (``InlineSuppressions``).
  package struct Comments: Sendable {
    /// The multi-line strings whose bodies hold policy text, where a `#` or `//` line is text.
    enum TextBlocks: Sendable {
      /// Terraform heredocs: `<<EOT` or `<<-EOT` to the line that holds only `EOT`.
      case heredocs
      /// Bicep multi-line strings: `'''` to `'''`.
      case tripleQuoted
    }

    /// Whether `#` and `//` line comments count, besides XML comments.
    let lineComments: Bool
    /// Whether a quoted string writes a line break as `\n`, which then ends a line too.
    let escapedLineBreaks: Bool
    /// The strings whose bodies are policy text, not the container's own lines.
    let textBlocks: TextBlocks?

    /// XML comments only: a policy file.
    static let xml = Comments(lineComments: false, escapedLineBreaks: false, textBlocks: nil)

    /// Line comments too, in a container whose quoted strings escape line breaks.
    static func lines(textBlocks: TextBlocks? = nil) -> Comments {
      Comments(lineComments: true, escapedLineBreaks: true, textBlocks: textBlocks)
    }

    /// A file of no known format (no path): XML and line comments count, and no string
    /// escapes a line break.
    static let unknown = Comments(lineComments: true, escapedLineBreaks: false, textBlocks: nil)
  }
}
