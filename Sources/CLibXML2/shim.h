#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

#include <string.h>
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so <libxml/encoding.h> would include
   <unicode/ucnv.h>, whose types clash with Foundation's _FoundationICU module
   on a clean build ("'UErrorCode' has different definitions in different
   modules"). Only the layout of xmlCharEncodingHandler depends on it, and
   policy-rewrite never touches encoding handlers. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* The absolute byte offset of the parser in its input. In a startElementNs
   callback it is on the start tag's '>' or '/'; in endElementNs it is just
   past the end tag's '>' (or the '/>' of an empty element). */
static inline unsigned long CLibXML2_currentOffset(xmlParserCtxtPtr ctxt) {
#if LIBXML_VERSION >= 21500
    unsigned long pos = 0;
    xmlCtxtGetInputPosition(ctxt, 0, NULL, NULL, NULL, &pos);
    return pos;
#else
    return ctxt->input->consumed + (unsigned long)(ctxt->input->cur - ctxt->input->base);
#endif
}

/* Bytes handed to libxml2 on demand, from memory that outlives the parse. */
typedef struct {
    const char *next;
    unsigned long remaining;
} CLibXML2_MemoryReader;

static int CLibXML2_readMemory(void *context, char *buffer, int len) {
    CLibXML2_MemoryReader *reader = (CLibXML2_MemoryReader *)context;
    if (reader == NULL || buffer == NULL || len <= 0) return 0;
    unsigned long count = reader->remaining < (unsigned long)len ? reader->remaining : (unsigned long)len;
    memcpy(buffer, reader->next, count);
    reader->next += count;
    reader->remaining -= count;
    return (int)count;
}

/* A parser context that reads its document from `reader` as it goes, the way libxml2 reads
   a file, instead of copying all of it first as xmlCreateMemoryParserCtxt does (into a
   buffer grown by doubling, up to twice the document). The parser is the same
   (xmlParseDocument): consumed input is dropped from the front of its buffer and counted in
   `consumed`, so CLibXML2_currentOffset stays the absolute offset. */
static inline xmlParserCtxtPtr CLibXML2_createReaderContext(CLibXML2_MemoryReader *reader) {
    return xmlCreateIOParserCtxt(NULL, NULL, CLibXML2_readMemory, NULL, reader, XML_CHAR_ENCODING_NONE);
}

/* How many inputs are stacked: more than one while an entity is expanded,
   whose offsets are relative to the entity text, not to the document. */
static inline int CLibXML2_inputDepth(xmlParserCtxtPtr ctxt) { return ctxt->inputNr; }

/* xmlFree is a global function pointer, which Swift 6 rejects as shared
   mutable state. */
static inline void CLibXML2_free(void *p) { xmlFree(p); }

/* xmlParserVersion is a function-like macro in threaded builds. */
static inline const char *CLibXML2_runtimeVersion(void) { return xmlParserVersion; }

#endif
