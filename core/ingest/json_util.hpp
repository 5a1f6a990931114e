#pragma once
// simdjson (On-Demand) helpers for the JSON readers: a reason text for a
// parse error, and any JSON value as the text a field holds.
// https://github.com/simdjson/simdjson/blob/master/doc/basics.md

#include <simdjson.h>

#include <string>
#include <string_view>

namespace casetrail::ingest::json {

// A short reason for a simdjson error: "invalid UTF-8", "malformed JSON:
// unclosed string", ...
std::string reason(simdjson::error_code error);

// The text of a value: a string unescaped, a number or a literal as written,
// an object or array as its JSON text; false for null (nothing to keep).
// Returns an error code when the value is malformed.
simdjson::error_code value_text(simdjson::ondemand::value value, std::string& out, bool& is_null);

}  // namespace casetrail::ingest::json
