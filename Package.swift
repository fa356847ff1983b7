// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "policy-rewrite",
  products: [
    .executable(name: "policy-rewrite", targets: ["policy-rewrite"]),
    .library(name: "PolicyRewrite", targets: ["PolicyRewrite"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
    ),
    .target(name: "PolicyRewrite", dependencies: ["CLibXML2"]),
    .executableTarget(
      name: "policy-rewrite",
      dependencies: [
        "PolicyRewrite",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "PolicyRewriteTests",
      dependencies: ["PolicyRewrite", "policy-rewrite"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
