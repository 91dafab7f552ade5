/* eppi (export): the map as an EPPI-Reviewer JSON export, the file
 * EPPI-Mapper and EPPI-Reviewer read: each facet a code set, each group a
 * parent code, each code an attribute; each record an item with the codes
 * it carries. AttributeIds come from a code's provenance when it was
 * imported from EPPI-Reviewer ("EPPI-Reviewer AttributeId N"), ItemIds
 * from a record's eppi_id; the others are numbered after the largest of
 * those, in site and id order, so the file is the same from run to run.
 *
 * Ownership: writes to the caller's sink (core/sink.h), through
 * core/json. */
#ifndef GM_FORMATS_EPPI_H
#define GM_FORMATS_EPPI_H

#include "core/sink.h"
#include "model/model.h"

void export_eppi(const model *m, sink *out);

#endif
