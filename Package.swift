// swift-tools-version:6.0
import PackageDescription

// Linux only: the tool reads and writes files through Glibc (see docs/architecture.md).
let package = Package(
  name: "policy-rewrite",
  products: [
    .executable(name: "policy-rewrite", targets: ["policy-rewrite"]),
    // PolicyDOM is listed so that .ci/api-check compares its public API too.
    .library(name: "PolicyRewrite", targets: ["PolicyRewrite", "PolicyDOM"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // libxml2 from Debian's libxml2-dev.
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    // Parsing with exact byte spans and expression masking; knows nothing of keys.
    .target(name: "PolicyDOM", dependencies: ["CLibXML2"]),
    // Analysis, rules, edit planning, splicing and embedded formats: bytes in, result out.
    .target(name: "PolicyRewrite", dependencies: ["PolicyDOM"]),
    // getdents64(2) for the directory walk, which Swift's Glibc module does not expose.
    .target(name: "CDirectoryListing"),
    // Process-level work: walking, threads, writing, diffs, reporters, signals, progress.
    .target(name: "PolicyRewriteCLI", dependencies: ["PolicyRewrite", "CDirectoryListing"]),
    .executableTarget(
      name: "policy-rewrite",
      dependencies: [
        "PolicyRewriteCLI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "PolicyRewriteTests",
      dependencies: ["PolicyDOM", "PolicyRewrite", "PolicyRewriteCLI", "policy-rewrite"],
      // The --help golden files, read and re-recorded by path (HelpGoldenTests).
      exclude: ["Goldens"]
    ),
  ]
)
