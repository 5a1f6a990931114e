#pragma once
// Reads a file line by line in constant memory (one buffer, one line), for
// the line-oriented readers (JSON lines, CSV). A line longer than the limit is
// skipped whole without holding it, and reported as such.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace casetrail::ingest {

// A record longer than this is rejected rather than held in memory: 64 MiB is
// far beyond any real event (a 10 MB command line fits), and bounds what one
// hostile line can cost.
inline constexpr std::size_t k_max_record_bytes = 64u << 20;

class LineReader {
public:
  // Opens `path`. Throws casetrail::Error(io) naming `display_path` when it
  // cannot be opened.
  LineReader(const std::string& path, const std::string& display_path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  enum class Status { line, too_long, end };

  // Reads the next line into `line` (without its LF, or CR LF), keeping
  // `padding` spare bytes of capacity after it (simdjson reads past the end).
  // too_long: the line exceeded k_max_record_bytes and was skipped; `line`
  // then holds its first bytes only. Throws Error(io) on a read error.
  Status next(std::string& line, std::size_t padding = 0);

  // 1-based number of the line last returned.
  std::uint64_t line_number() const { return m_line_number; }
  // Bytes consumed so far.
  std::uint64_t bytes_read() const { return m_consumed; }
  // Whether the line last returned ended the file without a final newline.
  bool last_line_unterminated() const { return m_unterminated; }

private:
  bool fill();
  std::FILE* m_file = nullptr;
  std::string m_display_path;
  std::string m_buffer;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  bool m_eof = false;
  bool m_unterminated = false;
  std::uint64_t m_line_number = 0;
  std::uint64_t m_consumed = 0;
};

}  // namespace casetrail::ingest
