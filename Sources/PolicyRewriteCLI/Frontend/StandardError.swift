/// Messages written straight to standard error, outside any report (a map or baseline that
/// cannot be read or written, a usage problem found before parsing).
public enum StandardError {
  /// Writes `text` to standard error at once.
  public static func write(_ text: String) {
    let stream = ByteStream.standardError()
    stream.write(text)
    stream.flush()
  }

  /// Writes one line and flushes.
  public static func writeLine(_ line: String) {
    write(line + "\n")
  }
}
