#include "cli/render/table.hpp"

#include <cstdio>
#include <ostream>

#include "core/util/encoding.hpp"

namespace casetrail::cli {
namespace {

std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xc0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

void Table::drop_column_if_blank(std::size_t index, const std::string& blank) {
  if (index >= m_headers.size()) return;
  for (const auto& row : m_rows) {
    if (index < row.size() && row[index] != blank) return;
  }
  m_headers.erase(m_headers.begin() + static_cast<std::ptrdiff_t>(index));
  for (auto& row : m_rows) {
    if (index < row.size()) row.erase(row.begin() + static_cast<std::ptrdiff_t>(index));
  }
}

std::string printable(const std::string& bytes, std::size_t limit) {
  const bool utf8 = util::is_valid_utf8(bytes);
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    const bool starts_point = (c & 0xc0) != 0x80;
    if (starts_point && limit != 0 && points == limit) {
      out += "...";
      break;
    }
    if (starts_point) ++points;
    if (c < 0x20 || c == 0x7f || (!utf8 && c >= 0x80)) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(m_headers.size(), 0);
  for (std::size_t i = 0; i < m_headers.size(); ++i) widths[i] = width(m_headers[i]);
  for (const auto& row : m_rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text += std::string(widths[i] - width(cells[i]) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  };
  line(m_headers);
  for (const auto& row : m_rows) line(row);
}

}  // namespace casetrail::cli
