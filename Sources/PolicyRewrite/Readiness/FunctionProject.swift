/// A Functions project found in the scanned folders (a folder with `host.json`) and the HTTP
/// triggers of its code.
public struct FunctionProject: Sendable, Hashable {
  /// A trigger and the file that declares it.
  public struct Trigger: Sendable, Hashable {
    /// The file's path.
    public var path: String
    /// The trigger.
    public var trigger: HTTPTrigger

    /// Creates a trigger at `path`.
    public init(path: String, trigger: HTTPTrigger) {
      self.path = path
      self.trigger = trigger
    }
  }

  /// The folder that holds `host.json`.
  public var folder: String
  /// Its HTTP triggers, in path order.
  public var triggers: [Trigger]
  /// How many code files were read.
  public var filesRead: Int

  /// Creates a project.
  public init(folder: String, triggers: [Trigger], filesRead: Int) {
    self.folder = folder
    self.triggers = triggers
    self.filesRead = filesRead
  }

  /// The folder's last component: the name a Function App of the same name links by.
  public var folderName: String { folder.split(separator: "/").last.map(String.init) ?? folder }
}
