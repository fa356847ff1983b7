@preconcurrency import CLibXML2

// The C callbacks libxml2 calls while it parses (set up by `LibXML2Parser`); each finds its
// `ParseState` through the parser context and captures nothing.

let onStartElement: startElementNsSAX2Func = {
  ctx, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
  // The attributes go to the parse state's table, not to libxml2's tree, except on an element
  // with an `xml:id`, whose value libxml2 checks (and registers) as it makes the attribute node.
  let buildsAttributes = hasXMLID(attributes, count: Int(attributeCount))
  xmlSAX2StartElementNs(
    ctx, localName, prefix, uri, namespaceCount, namespaces, buildsAttributes ? attributeCount : 0,
    buildsAttributes ? defaultedCount : 0, attributes)
  guard let (state, ctxt) = ParseState.from(ctx) else { return }
  state.elementStarted(
    localName, at: Int(CLibXML2_currentOffset(ctxt)), attributes: attributes,
    count: Int(attributeCount - defaultedCount))
}

/// Whether one of the attributes is `xml:id`.
private func hasXMLID(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) -> Bool {
  guard let attributes else { return false }
  for index in 0..<count {
    guard let prefix = attributes[5 * index + 1], let localName = attributes[5 * index] else { continue }
    if prefix[0] == UInt8(ascii: "x"), prefix[1] == UInt8(ascii: "m"), prefix[2] == UInt8(ascii: "l"), prefix[3] == 0,
      localName[0] == UInt8(ascii: "i"), localName[1] == UInt8(ascii: "d"), localName[2] == 0
    {
      return true
    }
  }
  return false
}

let onEndElement: endElementNsSAX2Func = { ctx, localName, prefix, uri in
  if let (state, ctxt) = ParseState.from(ctx) {
    state.elementEnded(at: Int(CLibXML2_currentOffset(ctxt)))
  }
  xmlSAX2EndElementNs(ctx, localName, prefix, uri)
}

let onStartElementWithoutTree: startElementNsSAX2Func = { ctx, localName, _, _, _, _, _, _, _ in
  guard let (state, ctxt) = ParseState.from(ctx) else { return }
  state.elementOpened(localName, at: Int(CLibXML2_currentOffset(ctxt)))
}

let onEndElementWithoutTree: endElementNsSAX2Func = { ctx, _, _, _ in
  guard let (state, ctxt) = ParseState.from(ctx) else { return }
  state.elementClosed(at: Int(CLibXML2_currentOffset(ctxt)))
}

let onDoctype: internalSubsetSAXFunc = { ctx, _, _, _ in
  guard let ctx else { return }
  let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
  if let opaque = ctxt.pointee._private {
    Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().sawDoctype = true
  }
  xmlStopParser(ctxt)
}

let onError: xmlStructuredErrorFunc = { ctx, error in
  guard let ctx else { return }
  let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
  guard let opaque = ctxt.pointee._private else { return }
  Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().record(error)
}

let onGlobalError: xmlStructuredErrorFunc = { opaque, error in
  guard let opaque else { return }
  Unmanaged<ParseState>.fromOpaque(opaque).takeUnretainedValue().record(error)
}
