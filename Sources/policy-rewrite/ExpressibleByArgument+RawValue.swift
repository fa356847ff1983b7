import ArgumentParser

/// The values of the commands' option enums (`--format`, `--color`) as help and completions
/// list them: their raw values, which is what the library's defaults give too. The defaults
/// describe each value through `String(describing:)`, whose reflection and conformance lookups
/// were about a twentieth of a one-file `check`, on every run, for text only help shows.
/// (Public: `ReportFormat`, a public type, conforms here.)
extension ExpressibleByArgument where Self: CaseIterable, Self: RawRepresentable, RawValue == String {
  /// Every value's name, in declaration order.
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }

  /// No value has a description of its own (the defaults find each one equal to its name).
  public static var allValueDescriptions: [String: String] { [:] }

  /// The value's name.
  public var defaultValueDescription: String { rawValue }
}
