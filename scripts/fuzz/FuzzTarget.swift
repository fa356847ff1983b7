// libFuzzer target for the parse-and-rewrite path.
//
// Not a SwiftPM target: `scripts/fuzz/run` compiles this file together with every source of
// Sources/PolicyRewrite into one module (`-module-name PolicyRewrite`), so the harness sees
// the library's internal declarations too. Every invariant below that does not hold is a
// crash (`fatalError`), which libFuzzer records in .build-fuzz/artifacts/.
//
// The invariants live in Tests/PolicyRewriteTests/Robustness/FuzzInvariants.swift, which the run script
// compiles into the same module, so FuzzRegressionTests replays each crash the fuzzer found
// against exactly what the fuzzer checks.

/// libFuzzer's entry point: runs one input through parse, rewrite and check.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  let problems = FuzzInvariants.violations(input)
  if !problems.isEmpty {
    fatalError("fuzz invariant violated:\n- " + problems.joined(separator: "\n- "))
  }
  return 0
}
