import PolicyDOM
import PolicyRewrite

extension UnifiedDiff {
  /// The line script that `edits` make of `a` (giving `b`), or `nil` when they do not give
  /// `b`: each run of edits that share lines replaces those lines, less the lines the old and
  /// new text have in common at its start and end.
  ///
  /// Linear in the size of the file: the rewriter knows which byte ranges it changed, so no
  /// search for a shortest edit script is needed (which took a minute for one policy with
  /// 20,000 key injections).
  static func editScript(_ a: Lines, _ b: Lines, edits: [TextEdit]) -> [Operation]? {
    let edits = edits.sorted { ($0.range.lowerBound, $0.range.count) < ($1.range.lowerBound, $1.range.count) }
    guard !edits.isEmpty, TextEdit.apply(edits, to: a.bytes) == b.bytes else { return nil }
    var script: [Operation] = []
    script.reserveCapacity(a.count + edits.count)
    var oldLine = 0
    var newLine = 0
    var k = 0
    while k < edits.count {
      let first = a.line(containing: edits[k].range.lowerBound)
      var end = min(a.count, Self.lastLine(of: edits[k], in: a) + 1)
      var next = k + 1
      var text: [UInt8] = []
      // Take every edit that starts on a line of the group; a group whose new text does not
      // end a line takes the next line too, so that both sides end at a line's end.
      while true {
        while next < edits.count, end == a.count || edits[next].range.lowerBound < a.end(of: end - 1) {
          end = max(end, min(a.count, Self.lastLine(of: edits[next], in: a) + 1))
          next += 1
        }
        let region = a.start(of: first)..<a.end(of: end - 1)
        var cursor = region.lowerBound
        text = []
        for edit in edits[k..<next] {
          text += a.bytes[cursor..<edit.range.lowerBound]
          text += edit.replacement
          cursor = edit.range.upperBound
        }
        text += a.bytes[cursor..<region.upperBound]
        guard !text.isEmpty, text.last != .lineFeed, end < a.count else { break }
        end += 1
      }
      while oldLine < first {
        script.append(.keep(oldLine, newLine))
        oldLine += 1
        newLine += 1
      }
      let newCount = text.count { $0 == .lineFeed } + (text.last.map { $0 == .lineFeed ? 0 : 1 } ?? 0)
      var oldRange = first..<max(first, end)
      var newRange = newLine..<(newLine + newCount)
      guard newRange.upperBound <= b.count else { return nil }
      var prefix = 0
      while prefix < oldRange.count, prefix < newRange.count,
        a[oldRange.lowerBound + prefix] == b[newRange.lowerBound + prefix]
      {
        prefix += 1
      }
      var suffix = 0
      while suffix < oldRange.count - prefix, suffix < newRange.count - prefix,
        a[oldRange.upperBound - 1 - suffix] == b[newRange.upperBound - 1 - suffix]
      {
        suffix += 1
      }
      for i in 0..<prefix { script.append(.keep(oldRange.lowerBound + i, newRange.lowerBound + i)) }
      oldRange = (oldRange.lowerBound + prefix)..<(oldRange.upperBound - suffix)
      newRange = (newRange.lowerBound + prefix)..<(newRange.upperBound - suffix)
      for i in oldRange { script.append(.delete(i)) }
      for j in newRange { script.append(.insert(j)) }
      for i in 0..<suffix { script.append(.keep(oldRange.upperBound + i, newRange.upperBound + i)) }
      oldLine = oldRange.upperBound + suffix
      newLine = newRange.upperBound + suffix
      k = next
    }
    while oldLine < a.count {
      script.append(.keep(oldLine, newLine))
      oldLine += 1
      newLine += 1
    }
    return newLine == b.count ? script : nil
  }
}

extension UnifiedDiff {
  /// The last line an edit touches: the line of its last byte, or of its offset when it
  /// only inserts.
  fileprivate static func lastLine(of edit: TextEdit, in lines: Lines) -> Int {
    lines.line(containing: edit.range.isEmpty ? edit.range.lowerBound : edit.range.upperBound - 1)
  }
}

extension UnifiedDiff.Lines {
  /// The index of the line that holds byte `offset`; `count` for the end of a text whose last
  /// line ends with a terminator.
  func line(containing offset: Int) -> Int {
    ends.partitioningIndex { Int($0) > offset }
  }

  /// The offset of line `index`'s first byte (the text's end for `count`).
  func start(of index: Int) -> Int { index == 0 ? 0 : Int(ends[index - 1]) }

  /// The offset after line `index`'s terminator (the text's end for `count` and beyond).
  func end(of index: Int) -> Int { index < 0 ? 0 : index < ends.count ? Int(ends[index]) : bytes.count }
}
