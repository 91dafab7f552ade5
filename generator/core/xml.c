#include "core/xml.h"

#include <string.h>

#include "core/esc.h"

void xml_decl(sink *s)
{
	sink_puts(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

void xml_text(sink *s, const char *text)
{
	esc_markup_to(s, text, strlen(text));
}

void xml_elem(sink *s, const char *indent, const char *name, const char *text)
{
	if (!text)
		return;
	sink_printf(s, "%s<%s>", indent, name);
	xml_text(s, text);
	sink_printf(s, "</%s>\n", name);
}
