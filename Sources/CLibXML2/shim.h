#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

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

/* How many inputs are stacked: more than one while an entity is expanded,
   whose offsets are relative to the entity text, not to the document. */
static inline int CLibXML2_inputDepth(xmlParserCtxtPtr ctxt) { return ctxt->inputNr; }

/* xmlFree is a global function pointer, which Swift 6 rejects as shared
   mutable state. */
static inline void CLibXML2_free(void *p) { xmlFree(p); }

/* xmlParserVersion is a function-like macro in threaded builds. */
static inline const char *CLibXML2_runtimeVersion(void) { return xmlParserVersion; }

#endif
