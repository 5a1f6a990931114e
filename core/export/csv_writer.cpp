#include "core/export/csv_writer.hpp"

namespace casetrail::exporting {
namespace {

template <typename Field>
void append(std::string& out, const std::vector<Field>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const std::string_view f = fields[i];
    bool quote = false;
    for (char c : f) {
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        quote = true;
        break;
      }
    }
    if (!quote) {
      out.append(f);
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
}

}  // namespace

void append_csv_record(std::string& out, const std::vector<std::string>& fields) { append(out, fields); }

void append_csv_record(std::string& out, const std::vector<std::string_view>& fields) {
  append(out, fields);
}

std::string neutralise_formula(std::string_view value) {
  if (!value.empty()) {
    switch (value.front()) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
      {
        std::string out;
        out.reserve(value.size() + 1);
        out += '\'';
        out.append(value);
        return out;
      }
      default: break;
    }
  }
  return std::string(value);
}

}  // namespace casetrail::exporting
