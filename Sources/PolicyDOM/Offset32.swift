/// A byte offset stored in 32 bits.
@propertyWrapper struct Offset32: Sendable, Hashable {
  private var stored: Int32

  init(wrappedValue: Int) { stored = Int32(wrappedValue) }

  var wrappedValue: Int {
    get { Int(stored) }
    set { stored = Int32(newValue) }
  }
}
