import PolicyDOM

/// The resource-type declarations of a container file, found once, so that the scope of each
/// embedded policy is a binary search rather than a scan back through the file: an ARM file
/// of 20,000 one-line policies made `migrate` and `plan` quadratic (each policy scanned back
/// to the start of the file for a Terraform `resource "` that was not there).
///
/// Gives what ``PolicyScope/terraformResourceType(enclosing:in:)`` and
/// ``PolicyScope/armResourceType(before:in:)`` give for the same offset.
struct ResourceTypeIndex {
  private let source: [UInt8]
  /// Offsets of each `resource "` at the start of a line or after a blank.
  private let terraform: [Int]
  /// Offsets of each `Microsoft.ApiManagement/`.
  private let arm: [Int]

  private static let terraformMarker = Array("resource \"".utf8)
  private static let armMarker = Array("Microsoft.ApiManagement/".utf8)

  init(_ source: [UInt8]) {
    self.source = source
    terraform = Self.offsets(of: Self.terraformMarker, in: source).filter {
      $0 == 0 || source[$0 - 1] == .lineFeed || source[$0 - 1].isBlank
    }
    arm = Self.offsets(of: Self.armMarker, in: source)
  }

  /// The type of the nearest Terraform `resource "TYPE"` declared before `offset`.
  func terraformResourceType(enclosing offset: Int) -> String? {
    guard let i = Self.last(in: terraform, endingBy: offset, length: Self.terraformMarker.count) else { return nil }
    return PolicyScope.terraformResourceType(enclosing: i + Self.terraformMarker.count, in: source)
  }

  /// The nearest `Microsoft.ApiManagement/…` resource type written before `offset`.
  func armResourceType(before offset: Int) -> String? {
    guard let i = Self.last(in: arm, endingBy: offset, length: Self.armMarker.count) else { return nil }
    return PolicyScope.armResourceType(before: i + Self.armMarker.count, in: source)
  }

  /// The last of the sorted `offsets` whose marker of `length` bytes ends by `end`.
  private static func last(in offsets: [Int], endingBy end: Int, length: Int) -> Int? {
    let low = offsets.partitioningIndex { $0 + length > end }
    return low == 0 ? nil : offsets[low - 1]
  }

  private static func offsets(of marker: [UInt8], in source: [UInt8]) -> [Int] {
    var result: [Int] = []
    var i = 0
    while let found = BackendCredentialScanner.find(
      marker, in: source, from: i, to: source.count, caseInsensitive: false)
    {
      result.append(found)
      i = found + 1
    }
    return result
  }
}
