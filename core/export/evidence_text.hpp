#pragma once
// Evidence as text for people and for formats that carry text only: lossy
// UTF-8 with the exact bytes beside it where they differ, a display form with
// control bytes made visible, and the one-line summary of an observation that
// Timesketch's message, ECS's message and the reports show.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/model/observation_record.hpp"

namespace casetrail::exporting {

// Each invalid UTF-8 sequence (one byte at a time) replaced by U+FFFD;
// everything else, NUL included, as is.
std::string lossy_utf8(std::string_view bytes);

// True when text formats cannot carry `bytes` exactly: not valid UTF-8, or
// holding a NUL (which CSV consumers and C strings truncate at).
bool needs_exact_twin(std::string_view bytes);

// For people: valid UTF-8 as is; control bytes (C0, DEL) as \n, \r, \t or
// \xNN; bytes that are not valid UTF-8 as \xNN. At most `limit` code points
// (0: no limit), with "..." when cut.
std::string display_text(std::string_view bytes, std::size_t limit = 0);

// What the observation is about, in a few words, as display_text: the
// command line, else the image, else the kind's main attribute (logon type
// and source, destination, file, registry key, query, loaded image), else the
// note; "-" when none.
std::string what_text(const model::ObservationRecord& r, std::size_t limit = 0);

// "process start", "logon", "network connection", ... (for timestamp_desc).
std::string_view kind_label(model::Kind kind);

// The observation in one line: "#3 verified process on ws01 by corp\j.doe:
// powershell.exe -enc ... [T1059.001 PowerShell; T1027]" plus a marker when
// the command line is not valid UTF-8.
std::string message_line(const model::ObservationRecord& r);

}  // namespace casetrail::exporting
