extension RandomAccessCollection where Index == Int {
  /// The index of the first element for which `isAfter` is true, in a collection whose
  /// elements for which it is false all come first (a binary search); `endIndex` when there is
  /// none.
  @inlinable
  package func partitioningIndex(where isAfter: (Element) -> Bool) -> Int {
    var low = startIndex
    var high = endIndex
    while low < high {
      let middle = low + (high - low) / 2
      if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }
}
