// Windows event XML, one <Event> at a time.
//
// A wevtutil or Get-WinEvent export is a list of <Event> elements, wrapped in
// <Events> or simply concatenated (then the file is not one well-formed
// document). Loading it as one DOM would hold the whole file in memory and let
// one bad event take down the rest, so a small scanner cuts out each
// <Event ...>...</Event> and pugixml parses it alone. The scanner knows only
// what it must to find the boundaries safely: comments, CDATA sections and
// processing instructions (which may contain "</Event>"), quoted attribute
// values in the start tag (which may contain ">"), and that a tag name ends at
// a blank, "/" or ">" (so <EventData> and <Events> are not <Event>). Memory is
// the buffer plus the largest single event.

#include <cstdint>
#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/ingest/windows_event_xml.hpp"

namespace casetrail::ingest {

namespace {

constexpr std::size_t k_block_size = 64 * 1024;

// The input as UTF-8: a UTF-8 BOM is dropped; UTF-16 (by its BOM, or by a
// first "<" followed or preceded by a NUL byte, as PowerShell 5 redirection
// writes it) is transcoded, a lone surrogate becoming U+FFFD.
class Utf8Source {
public:
  explicit Utf8Source(std::istream& in) : m_in(in) {}

  // Appends up to about one block of UTF-8 to `out`. Returns false at the end
  // of the input (nothing appended).
  bool read(std::string& out) {
    std::string block(k_block_size, '\0');
    m_in.read(block.data(), static_cast<std::streamsize>(block.size()));
    block.resize(static_cast<std::size_t>(m_in.gcount()));
    m_consumed += block.size();
    if (!m_detected) {
      m_detected = true;
      detect(block);
    }
    if (m_encoding == Encoding::utf8) {
      if (block.empty()) return false;
      out += block;
      return true;
    }
    const std::size_t before = out.size();
    m_carry += block;
    transcode(out, block.empty());
    return out.size() > before || !block.empty();
  }

  std::uint64_t consumed() const { return m_consumed; }

private:
  enum class Encoding { utf8, utf16le, utf16be };

  void detect(std::string& block) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(block[i]); };
    if (block.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
      block.erase(0, 3);
    } else if (block.size() >= 2 && byte(0) == 0xFF && byte(1) == 0xFE) {
      m_encoding = Encoding::utf16le;
      block.erase(0, 2);
    } else if (block.size() >= 2 && byte(0) == 0xFE && byte(1) == 0xFF) {
      m_encoding = Encoding::utf16be;
      block.erase(0, 2);
    } else if (block.size() >= 2 && byte(0) == '<' && byte(1) == 0) {
      m_encoding = Encoding::utf16le;
    } else if (block.size() >= 2 && byte(0) == 0 && byte(1) == '<') {
      m_encoding = Encoding::utf16be;
    }
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Decodes whole code units from m_carry; a trailing odd byte or a high
  // surrogate waits for the next block unless `at_end`.
  void transcode(std::string& out, bool at_end) {
    const bool le = m_encoding == Encoding::utf16le;
    auto unit = [&](std::size_t i) -> std::uint32_t {
      const auto a = static_cast<unsigned char>(m_carry[i]);
      const auto b = static_cast<unsigned char>(m_carry[i + 1]);
      return le ? (a | (b << 8)) : ((a << 8) | b);
    };
    std::size_t i = 0;
    while (i + 2 <= m_carry.size()) {
      const std::uint32_t u = unit(i);
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (i + 4 > m_carry.size()) {
          if (!at_end) break;
          append_utf8(out, 0xFFFD);
          i += 2;
          continue;
        }
        const std::uint32_t low = unit(i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
          i += 4;
        } else {
          append_utf8(out, 0xFFFD);
          i += 2;
        }
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        append_utf8(out, 0xFFFD);
        i += 2;
      } else {
        append_utf8(out, u);
        i += 2;
      }
    }
    m_carry.erase(0, i);
    if (at_end && !m_carry.empty()) {
      append_utf8(out, 0xFFFD);  // an odd final byte
      m_carry.clear();
    }
  }

  std::istream& m_in;
  bool m_detected = false;
  Encoding m_encoding = Encoding::utf8;
  std::string m_carry;
  std::uint64_t m_consumed = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class XmlEventReader final : public RecordReader {
public:
  XmlEventReader(std::unique_ptr<std::istream> input, std::string display)
      : m_input(std::move(input)), m_source(*m_input), m_display(std::move(display)) {}

  std::optional<ReadItem> next() override {
    if (m_done) return std::nullopt;
    compact();
    while (true) {
      // Between events: blanks, the declaration, comments, the <Events>
      // wrapper; anything else is stray text.
      while (true) {
        if (!ensure(m_pos, 1)) {
          m_done = true;
          return std::nullopt;
        }
        if (!is_blank(m_buf[m_pos])) break;
        ++m_pos;
      }
      const std::size_t start = m_pos;
      if (m_buf[start] != '<') return stray(start);
      ensure(start, 10);
      std::size_t end = std::string::npos;
      if (starts_with(start, "<?")) {
        end = find_end(start + 2, "?>");
      } else if (starts_with(start, "<!--")) {
        end = find_end(start + 4, "-->");
      } else if (starts_with(start, "<![CDATA[")) {
        return stray(start);
      } else if (starts_with(start, "<!")) {
        end = find_end(start + 2, ">");  // a DOCTYPE
      } else if (is_tag(start, "</Events") || is_tag(start, "<Events")) {
        end = find_end(start, ">");
      } else if (is_tag(start, "<Event")) {
        return read_event(start);
      } else {
        return stray(start);
      }
      if (end == std::string::npos) return stray(start);
      m_pos = end;
    }
  }

  std::uint64_t bytes_read() const override { return m_source.consumed(); }

private:
  // Makes m_buf hold at least `n` bytes from `at`; false if the input ends first.
  bool ensure(std::size_t at, std::size_t n) {
    while (m_buf.size() < at + n) {
      if (m_eof || !m_source.read(m_buf)) {
        m_eof = true;
        return false;
      }
    }
    return true;
  }

  // The index of `needle` at or after `from`, reading more input as needed;
  // npos when the input ends first.
  std::size_t find(std::string_view needle, std::size_t from) {
    while (true) {
      const std::size_t found = std::string_view(m_buf).find(needle, from);
      if (found != std::string::npos) return found;
      if (m_buf.size() >= needle.size()) from = std::max(from, m_buf.size() - needle.size() + 1);
      if (!ensure(m_buf.size(), 1)) return std::string::npos;
    }
  }

  // Just past the first `terminator` at or after `from`, or npos.
  std::size_t find_end(std::size_t from, std::string_view terminator) {
    const std::size_t found = find(terminator, from);
    return found == std::string::npos ? found : found + terminator.size();
  }

  bool starts_with(std::size_t at, std::string_view prefix) const {
    return std::string_view(m_buf).substr(at).starts_with(prefix);
  }

  // `name` ("<Event", "</Event") at `at`, followed by a blank, "/" or ">".
  bool is_tag(std::size_t at, std::string_view name) {
    if (!starts_with(at, name)) return false;
    if (!ensure(at, name.size() + 1)) return false;
    const char c = m_buf[at + name.size()];
    return is_blank(c) || c == '>' || (c == '/' && name[1] != '/');
  }

  // The next "<Event" start tag at or after `from`, or npos.
  std::size_t find_event_start(std::size_t from) {
    while (true) {
      const std::size_t found = find("<Event", from);
      if (found == std::string::npos || is_tag(found, "<Event")) return found;
      from = found + 1;
    }
  }

  // Line and column (1-based, in bytes) of buffer index `at`; positions only
  // move forward.
  std::pair<std::uint64_t, std::uint64_t> line_column(std::size_t at) {
    for (; m_line_index < at; ++m_line_index) {
      if (m_buf[m_line_index] == '\n') {
        ++m_line;
        m_line_start = m_base + m_line_index + 1;
      }
    }
    return {m_line, m_base + at - m_line_start + 1};
  }

  std::string place_of(std::size_t at) {
    const auto [line, column] = line_column(at);
    std::string place = m_display + ":" + std::to_string(line);
    if (line == m_last_item_line) place += ":" + std::to_string(column);
    m_last_item_line = line;
    return place;
  }

  // Drops what earlier items consumed, so that the buffer holds about one event.
  void compact() {
    if (m_pos < k_block_size) return;
    line_column(m_pos);
    m_buf.erase(0, m_pos);
    m_base += m_pos;
    m_line_index -= m_pos;
    m_pos = 0;
  }

  static std::string_view trim_right(std::string_view s) {
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
  }

  ReadItem rejected(std::string place, std::string_view raw, std::string reason) {
    ReadItem item;
    item.type = ReadItem::Type::rejected;
    item.place = std::move(place);
    item.raw = std::string(raw);
    item.reason = std::move(reason);
    return item;
  }

  // Text outside any event, up to the next <Event (or the end).
  ReadItem stray(std::size_t start) {
    std::string place = place_of(start);
    std::size_t end = find_event_start(start + 1);
    if (end == std::string::npos) end = m_buf.size();
    m_pos = end;
    return rejected(std::move(place), trim_right(std::string_view(m_buf).substr(start, end - start)),
                    "text outside any <Event> element");
  }

  ReadItem read_event(std::size_t start) {
    const auto [line, column] = line_column(start);
    std::string place = place_of(start);

    // The start tag: quoted attribute values may hold ">".
    std::size_t p = start + 6;
    bool self_closing = false;
    while (true) {
      if (!ensure(p, 1)) return unterminated(start, m_buf.size(), std::move(place));
      const char c = m_buf[p];
      if (c == '"' || c == '\'') {
        const std::size_t close = find(std::string_view(&c, 1), p + 1);
        if (close == std::string::npos) return unterminated(start, m_buf.size(), std::move(place));
        p = close + 1;
        continue;
      }
      if (c == '>') {
        self_closing = m_buf[p - 1] == '/';
        ++p;
        break;
      }
      if (c == '<') return unterminated(start, p, std::move(place));
      ++p;
    }

    std::size_t end = p;
    if (!self_closing) {
      while (true) {
        const std::size_t lt = find("<", p);
        if (lt == std::string::npos) return unterminated(start, m_buf.size(), std::move(place));
        ensure(lt, 10);
        std::size_t skip_to = std::string::npos;
        if (starts_with(lt, "<!--")) {
          skip_to = find_end(lt + 4, "-->");
        } else if (starts_with(lt, "<![CDATA[")) {
          skip_to = find_end(lt + 9, "]]>");
        } else if (starts_with(lt, "<?")) {
          skip_to = find_end(lt + 2, "?>");
        } else if (is_tag(lt, "</Event")) {
          skip_to = find_end(lt, ">");
          if (skip_to == std::string::npos) {
            return unterminated(start, m_buf.size(), std::move(place));
          }
          end = skip_to;
          break;
        } else if (is_tag(lt, "<Event")) {
          return unterminated(start, lt, std::move(place));
        } else {
          skip_to = lt + 1;
        }
        if (skip_to == std::string::npos) {
          return unterminated(start, m_buf.size(), std::move(place));
        }
        p = skip_to;
      }
    }

    m_pos = end;
    const std::string_view raw = std::string_view(m_buf).substr(start, end - start);
    std::size_t error_offset = 0;
    auto parsed = parse_windows_event_xml(raw, &error_offset);
    if (!parsed) {
      std::string reason = parsed.error();
      const std::string_view prefix = "malformed XML: ";
      if (std::string_view(reason).starts_with(prefix) && error_offset <= raw.size()) {
        std::uint64_t error_line = line;
        std::uint64_t error_column = column;
        for (std::size_t i = 0; i < error_offset; ++i) {
          if (raw[i] == '\n') {
            ++error_line;
            error_column = 1;
          } else {
            ++error_column;
          }
        }
        reason = "malformed XML at line " + std::to_string(error_line) + ", column " +
                 std::to_string(error_column) + ": " + reason.substr(prefix.size());
      }
      return rejected(std::move(place), raw, std::move(reason));
    }
    ReadItem item;
    item.type = ReadItem::Type::windows_event;
    item.place = std::move(place);
    item.raw = std::string(raw);
    item.windows_event = std::move(*parsed);
    return item;
  }

  // An event whose </Event> never comes: up to `end` (the next <Event, or the
  // end of the input).
  ReadItem unterminated(std::size_t start, std::size_t end, std::string place) {
    m_pos = end;
    std::string reason = "unterminated <Event>: ";
    if (end < m_buf.size()) {
      const auto [next_line, next_column] = line_column(end);
      reason += "the next <Event> begins at line " + std::to_string(next_line) + " before </Event>";
    } else {
      reason += "the input ends before </Event>";
    }
    return rejected(std::move(place), trim_right(std::string_view(m_buf).substr(start, end - start)),
                    std::move(reason));
  }

  std::unique_ptr<std::istream> m_input;
  Utf8Source m_source;
  std::string m_display;
  std::string m_buf;
  std::size_t m_pos = 0;
  bool m_eof = false;
  bool m_done = false;
  // Line tracking: m_line is the line of buffer index m_line_index; absolute
  // offsets (m_base + index) survive compaction.
  std::uint64_t m_base = 0;
  std::size_t m_line_index = 0;
  std::uint64_t m_line = 1;
  std::uint64_t m_line_start = 0;
  std::uint64_t m_last_item_line = 0;
};

std::string display_name(const std::string& path, const ReaderOptions& options) {
  return options.display_path.empty() ? path : options.display_path;
}

}  // namespace

std::unique_ptr<RecordReader> make_xml_reader(std::unique_ptr<std::istream> input,
                                              const std::string& display_path,
                                              const ReaderOptions& options) {
  return std::make_unique<XmlEventReader>(std::move(input), display_name(display_path, options));
}

std::unique_ptr<RecordReader> make_xml_reader(const std::string& path,
                                              const ReaderOptions& options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw Error(ErrorCode::io, "cannot open " + quote(display_name(path, options)));
  }
  return make_xml_reader(std::move(file), path, options);
}

}  // namespace casetrail::ingest
