/// Lines written straight to standard error, for messages outside any report (a map or
/// baseline that cannot be read or written).
public enum StandardError {
  /// Writes one line and flushes.
  public static func writeLine(_ line: String) {
    let stream = ByteStream.standardError()
    stream.write(line + "\n")
    stream.flush()
  }
}
