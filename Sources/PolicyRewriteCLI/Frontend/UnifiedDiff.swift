import PolicyDOM
import PolicyRewrite

/// Unified diffs (`diff -u`, `git diff`) of two versions of a file, byte-exact.
///
/// Lines keep their terminators, so a CRLF file gives CRLF lines in the diff, as `git diff`
/// does; a last line without a terminator is followed by `\ No newline at end of file`.
/// The output applies with `git apply` and `patch -p1`.
public enum UnifiedDiff {
  /// The diff from `old` to `new`, or an empty array when they are equal.
  ///
  /// - Parameters:
  ///   - old: The original bytes.
  ///   - new: The changed bytes.
  ///   - path: The path written after `a/` and `b/`.
  ///   - context: Unchanged lines shown around each change.
  public static func make(old: [UInt8], new: [UInt8], path: String, context: Int = 3) -> [UInt8] {
    make(old: old, new: new, path: Array(path.utf8), context: context)
  }

  /// The diff from `old` to `new` for a path given as bytes; names that need it are quoted
  /// as git quotes them (see `Escaping.diffHeaderPath`).
  public static func make(old: [UInt8], new: [UInt8], path: [UInt8], context: Int = 3) -> [UInt8] {
    make(old: old, new: new, edits: nil, path: path, context: context)
  }

  /// The diff from `old` to `new`, whose hunks come from `edits` (the byte ranges of `old`
  /// replaced to make `new`) when they make `new`: linear in the file's size, where the line
  /// diff of two whole files is not.
  package static func make(old: [UInt8], new: [UInt8], edits: [TextEdit]?, path: [UInt8], context: Int = 3)
    -> [UInt8]
  {
    if old == new { return [] }
    let a = Lines(old)
    let b = Lines(new)
    let script = edits.flatMap { editScript(a, b, edits: $0) } ?? editScript(a, b)
    var out: [UInt8] = []
    out += Array("--- ".utf8) + Escaping.diffHeaderPath("a/", path) + [.lineFeed]
    out += Array("+++ ".utf8) + Escaping.diffHeaderPath("b/", path) + [.lineFeed]
    for hunk in hunks(script, context: context) {
      let oldStart = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart + 1
      let newStart = hunk.newCount == 0 ? hunk.newStart : hunk.newStart + 1
      out += Array("@@ -\(oldStart),\(hunk.oldCount) +\(newStart),\(hunk.newCount) @@\n".utf8)
      for operation in hunk.operations {
        let (prefix, line): (UInt8, ArraySlice<UInt8>) =
          switch operation {
          case .keep(let i, _): (.space, a[i])
          case .delete(let i): (.hyphen, a[i])
          case .insert(let j): (UInt8(ascii: "+"), b[j])
          }
        out.append(prefix)
        out += line
        if line.last != .lineFeed { out += Array("\n\\ No newline at end of file\n".utf8) }
      }
    }
    return out
  }

  /// The lines of a text, each with its terminator, kept as 32-bit end offsets (4 bytes a
  /// line) rather than slices, so a large file's diff takes little memory.
  struct Lines {
    let bytes: [UInt8]
    let ends: [Int32]

    init(_ bytes: [UInt8]) {
      self.bytes = bytes
      var ends: [Int32] = []
      for (index, byte) in bytes.enumerated() where byte == .lineFeed { ends.append(Int32(index + 1)) }
      if (ends.last.map(Int.init) ?? 0) < bytes.count { ends.append(Int32(bytes.count)) }
      self.ends = ends
    }

    var count: Int { ends.count }

    subscript(index: Int) -> ArraySlice<UInt8> {
      bytes[(index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])]
    }
  }

  enum Operation {
    case keep(Int, Int)
    case delete(Int)
    case insert(Int)
  }

  struct Hunk {
    var oldStart: Int
    var oldCount: Int
    var newStart: Int
    var newCount: Int
    var operations: [Operation]
  }

  /// The shortest edit script (Myers), after trimming the common prefix and suffix.
  static func editScript(_ a: Lines, _ b: Lines) -> [Operation] {
    var prefix = 0
    while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
      suffix += 1
    }
    let n = a.count - prefix - suffix
    let m = b.count - prefix - suffix
    var operations: [Operation] = (0..<prefix).map { .keep($0, $0) }
    operations += middleScript(a, b, offset: prefix, n: n, m: m)
    operations += (0..<suffix).map { .keep(a.count - suffix + $0, b.count - suffix + $0) }
    return operations
  }

  private static func middleScript(_ a: Lines, _ b: Lines, offset: Int, n: Int, m: Int) -> [Operation] {
    if n == 0 { return (0..<m).map { .insert(offset + $0) } }
    if m == 0 { return (0..<n).map { .delete(offset + $0) } }
    let max = n + m
    var v = [Int](repeating: 0, count: 2 * max + 2)
    var trace: [[Int]] = []
    var found = false
    outer: for d in 0...max {
      trace.append(Array(v[(max - d)...(max + d + 1)]))
      for k in stride(from: -d, through: d, by: 2) {
        var x: Int
        if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
          x = v[max + k + 1]
        } else {
          x = v[max + k - 1] + 1
        }
        var y = x - k
        while x < n, y < m, a[offset + x] == b[offset + y] {
          x += 1
          y += 1
        }
        v[max + k] = x
        if x >= n, y >= m {
          found = true
          break outer
        }
      }
    }
    precondition(found, "Myers search always ends")
    var operations: [Operation] = []
    var x = n
    var y = m
    for d in stride(from: trace.count - 1, through: 0, by: -1) {
      let saved = trace[d]
      func at(_ k: Int) -> Int { saved[k + d] }
      let k = x - y
      let previousK: Int
      if k == -d || (k != d && at(k - 1) < at(k + 1)) {
        previousK = k + 1
      } else {
        previousK = k - 1
      }
      let previousX = d == 0 ? 0 : at(previousK)
      let previousY = previousX - previousK
      while x > previousX, y > previousY {
        x -= 1
        y -= 1
        operations.append(.keep(offset + x, offset + y))
      }
      if d > 0 {
        if x == previousX {
          y -= 1
          operations.append(.insert(offset + y))
        } else {
          x -= 1
          operations.append(.delete(offset + x))
        }
      }
    }
    return operations.reversed()
  }

  static func hunks(_ script: [Operation], context: Int) -> [Hunk] {
    let changed = script.indices.filter {
      if case .keep = script[$0] { return false }
      return true
    }
    guard !changed.isEmpty else { return [] }
    var ranges: [ClosedRange<Int>] = []
    for index in changed {
      let range = max(0, index - context)...min(script.count - 1, index + context)
      if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
        ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      } else {
        ranges.append(range)
      }
    }
    var oldLine = 0
    var newLine = 0
    var position = 0
    var result: [Hunk] = []
    for range in ranges {
      while position < range.lowerBound {
        advance(script[position], &oldLine, &newLine)
        position += 1
      }
      var hunk = Hunk(oldStart: oldLine, oldCount: 0, newStart: newLine, newCount: 0, operations: [])
      while position <= range.upperBound {
        let operation = script[position]
        hunk.operations.append(operation)
        switch operation {
        case .keep:
          hunk.oldCount += 1
          hunk.newCount += 1
        case .delete: hunk.oldCount += 1
        case .insert: hunk.newCount += 1
        }
        advance(operation, &oldLine, &newLine)
        position += 1
      }
      result.append(hunk)
    }
    return result
  }

  private static func advance(_ operation: Operation, _ oldLine: inout Int, _ newLine: inout Int) {
    switch operation {
    case .keep:
      oldLine += 1
      newLine += 1
    case .delete: oldLine += 1
    case .insert: newLine += 1
    }
  }
}
