import Foundation

/// Where the package's files are, found from this file's path rather than by counting folders:
/// the nearest folder above that holds `Package.swift`.
enum TestPaths {
  /// The package root.
  static let packageRoot: URL = {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
      let parent = folder.deletingLastPathComponent()
      precondition(parent.path != folder.path, "no Package.swift above \(#filePath)")
      folder = parent
    }
    return folder
  }()

  /// The test target's folder, `Tests/PolicyRewriteTests`.
  static let testsFolder = packageRoot.appendingPathComponent("Tests/PolicyRewriteTests")
}
