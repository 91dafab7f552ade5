/* xml: the few pieces every XML file gapmap writes (sitemap, feed) is made
 * of, written into a sink (core/sink.h) with text escaped by core/esc.h, so
 * characters XML 1.0 forbids never reach the file. Allocates nothing. */
#ifndef GM_XML_H
#define GM_XML_H

#include "core/sink.h"

/* <?xml version="1.0" encoding="UTF-8"?> and a newline. */
void xml_decl(sink *s);
/* Escaped text or attribute value. */
void xml_text(sink *s, const char *text);
/* indent<name>text</name> and a newline; nothing when text is NULL. */
void xml_elem(sink *s, const char *indent, const char *name, const char *text);

#endif
