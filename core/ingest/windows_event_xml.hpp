#pragma once
// One Windows event in its XML rendering, as wevtutil, Get-WinEvent's ToXml()
// and libevtx write it, read into a WindowsEvent.
// Schema: https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-schema

#include <cstddef>
#include <string_view>

#include "core/error.hpp"
#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

// Parses exactly one <Event> element (pugixml; namespace prefixes ignored).
// Takes System/Provider@Name (or @EventSourceName), EventID, Channel,
// Computer, TimeCreated@SystemTime and EventRecordID, then, in document order,
// EventData children (Data@Name -> text; an unnamed Data is "paramN" by its
// 1-based position, as Winlogbeat names it; other elements, such as Binary,
// by their name) and UserData leaf elements (named by their path below
// UserData's single child, "Parent/Child" when nested). Text is kept exactly:
// surrounding and whitespace-only text is not trimmed; entities and CDATA are
// resolved; line ends are normalised as XML requires
// (https://www.w3.org/TR/xml/#sec-line-ends).
// Returns the event, or the reason it cannot be taken ("malformed XML: ...",
// "no <System> element", "no System/EventID", "invalid EventID \"x\""...). For
// malformed XML, *error_offset (when given) receives the byte offset in `xml`
// where pugixml stopped, so that a reader can name the line.
Result<WindowsEvent> parse_windows_event_xml(std::string_view xml,
                                             std::size_t* error_offset = nullptr);

}  // namespace casetrail::ingest
