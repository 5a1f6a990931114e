#include "core/ingest/line_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace casetrail::ingest {
namespace {
constexpr std::size_t k_buffer_bytes = 1u << 20;
}

LineReader::LineReader(const std::string& path, const std::string& display_path)
    : m_display_path(display_path), m_buffer(k_buffer_bytes, '\0') {
  m_file = std::fopen(path.c_str(), "rb");
  if (m_file == nullptr) {
    throw Error(ErrorCode::io,
                "cannot read " + quote(display_path, 200) + ": " + std::strerror(errno));
  }
}

LineReader::~LineReader() {
  if (m_file != nullptr) std::fclose(m_file);
}

bool LineReader::fill() {
  if (m_eof) return false;
  const std::size_t n = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file);
  if (n < m_buffer.size()) {
    if (std::ferror(m_file)) {
      throw Error(ErrorCode::io, "cannot read " + quote(m_display_path, 200) + ": read error");
    }
    m_eof = true;
  }
  m_pos = 0;
  m_end = n;
  return n > 0;
}

LineReader::Status LineReader::next(std::string& line, std::size_t padding) {
  line.clear();
  bool too_long = false;
  bool any = false;
  m_unterminated = false;
  for (;;) {
    if (m_pos == m_end && !fill()) {
      if (!any) return Status::end;
      m_unterminated = true;
      break;
    }
    any = true;
    const char* start = m_buffer.data() + m_pos;
    const void* nl = std::memchr(start, '\n', m_end - m_pos);
    const std::size_t take = nl ? static_cast<const char*>(nl) - start : m_end - m_pos;
    if (!too_long) {
      if (line.size() + take > k_max_record_bytes) {
        // Keep the start (for the message), drop the rest as it streams by.
        const std::size_t room = k_max_record_bytes - line.size();
        line.append(start, std::min(room, take));
        too_long = true;
      } else {
        if (line.capacity() < line.size() + take + padding) {
          line.reserve(std::max(line.size() + take + padding, line.capacity() * 2));
        }
        line.append(start, take);
      }
    }
    m_pos += take;
    m_consumed += take;
    if (nl) {
      ++m_pos;
      ++m_consumed;
      break;
    }
  }
  ++m_line_number;
  if (too_long) {
    // Only the start is kept, for the message.
    line.resize(std::min<std::size_t>(line.size(), 4096));
    line.shrink_to_fit();
    return Status::too_long;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.capacity() < line.size() + padding) line.reserve(line.size() + padding);
  return Status::line;
}

}  // namespace casetrail::ingest
