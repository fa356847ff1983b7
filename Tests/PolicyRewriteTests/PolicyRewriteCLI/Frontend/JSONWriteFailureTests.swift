import Foundation
import Testing

@testable import PolicyRewriteCLI

#if canImport(Glibc)
  import Glibc
#endif

/// A JSON report the encoder refuses is not a silent empty output: the reason goes to the
/// error stream and the report counts as lost, so the command exits with status 2.
struct JSONWriteFailureTests {
  @Test func aValueTheEncoderRefusesIsAnErrorAndALostReportNotAnEmptyOutput() throws {
    var output: [Int32] = [0, 0]
    var errors: [Int32] = [0, 0]
    try #require(pipe(&output) == 0 && pipe(&errors) == 0)
    defer { for descriptor in [output[0], errors[0]] { close(descriptor) } }
    // JSONEncoder refuses a non-finite number.
    ByteStream(descriptor: output[1]).writeJSON(["score": Double.nan], errors: ByteStream(descriptor: errors[1]))
    close(output[1])
    close(errors[1])
    #expect(Self.readAll(output[0]).isEmpty, "nothing half-encoded on the report's stream")
    let message = String(decoding: Self.readAll(errors[0]), as: UTF8.self)
    #expect(message.contains("cannot encode the JSON report"), "the reason is written: \(message.debugDescription)")
    #expect(ByteStream.outputLost, "the report counts as lost, so the command exits with status 2")
  }

  private static func readAll(_ descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count <= 0 { return bytes }
      bytes += buffer[..<count]
    }
  }
}
