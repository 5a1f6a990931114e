#include "core/error.hpp"

#include <cstdio>

namespace casetrail {

std::string quote(std::string_view input, std::size_t limit) {
  std::string out = "\"";
  std::size_t shown = 0;
  for (unsigned char c : input) {
    if (shown == limit) {
      out += "...";
      break;
    }
    ++shown;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f || c >= 0x80) {
      // Non-ASCII is escaped too: a truncated UTF-8 sequence must not leave a
      // half character in the terminal.
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

Error invalid_value(std::string_view field, std::string_view value, std::string_view reason) {
  std::string message = "invalid ";
  message += field;
  message += ' ';
  message += quote(value);
  if (!reason.empty()) {
    message += ": ";
    message += reason;
  }
  return Error(ErrorCode::invalid_input, std::move(message));
}

}  // namespace casetrail
