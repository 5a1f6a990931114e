#include "core/ingest/csv_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "core/cmdline/cmdline.hpp"
#include "core/error.hpp"
#include "core/export/csv_columns.hpp"
#include "core/ingest/fields.hpp"
#include "core/ingest/fingerprint.hpp"
#include "core/ingest/line_reader.hpp"
#include "core/model/identity.hpp"

namespace casetrail::ingest {
namespace {

// Reads RFC 4180 records one at a time from a file, keeping each record's
// exact bytes (without its line end) beside its fields.
class CsvScanner {
public:
  CsvScanner(const std::string& path, const std::string& display) : m_buffer(1u << 20, '\0') {
    m_file = std::fopen(path.c_str(), "rb");
    if (m_file == nullptr) {
      throw Error(ErrorCode::io, "cannot read " + quote(display, 200) + ": " + std::strerror(errno));
    }
  }
  ~CsvScanner() { std::fclose(m_file); }
  CsvScanner(const CsvScanner&) = delete;
  CsvScanner& operator=(const CsvScanner&) = delete;

  enum class Status { record, malformed, too_long, end };

  // The next record. For malformed, `error` says why; the scanner has moved
  // past the record's line end.
  Status next(std::vector<std::string>& fields, std::string& raw, std::string& error) {
    fields.clear();
    raw.clear();
    error.clear();
    m_record_line = m_line + 1;
    int c = get();
    if (c == EOF) return Status::end;
    if (m_first && c == 0xEF) {
      // A UTF-8 byte-order mark (Excel writes one) is not part of the data.
      if (get() == 0xBB && get() == 0xBF) {
        c = get();
        if (c == EOF) return Status::end;
      }
    }
    m_first = false;
    fields.emplace_back();
    enum { start, unquoted, quoted, quote_seen } state = start;
    bool too_long = false;
    for (;; c = get()) {
      if (c == EOF) {
        if (state == quoted) {
          error = "unterminated quoted field";
          return Status::malformed;
        }
        break;
      }
      if (state != quoted && (c == '\n' || c == '\r')) {
        if (c == '\r') {
          const int n = get();
          if (n != '\n' && n != EOF) unget(n);
        }
        ++m_line;
        break;
      }
      if (!too_long) {
        if (raw.size() >= k_max_record_bytes) {
          too_long = true;
        } else {
          raw += static_cast<char>(c);
        }
      }
      if (c == '\n') ++m_line;
      std::string& field = fields.back();
      switch (state) {
        case start:
          if (c == '"') {
            state = quoted;
          } else if (c == ',') {
            fields.emplace_back();
          } else {
            field += static_cast<char>(c);
            state = unquoted;
          }
          break;
        case unquoted:
          if (c == ',') {
            fields.emplace_back();
            state = start;
          } else {
            field += static_cast<char>(c);
          }
          break;
        case quoted:
          if (c == '"') {
            state = quote_seen;
          } else {
            field += static_cast<char>(c);
          }
          break;
        case quote_seen:
          if (c == '"') {
            field += '"';
            state = quoted;
          } else if (c == ',') {
            fields.emplace_back();
            state = start;
          } else if (error.empty()) {
            error = "text after a closing quote in field " + std::to_string(fields.size());
          }
          break;
      }
      if (too_long) fields.back().clear();
    }
    if (too_long) {
      raw.resize(4096);
      return Status::too_long;
    }
    return error.empty() ? Status::record : Status::malformed;
  }

  // The line the last record started on (1-based).
  std::uint64_t record_line() const { return m_record_line; }
  std::uint64_t bytes_read() const { return m_consumed; }

private:
  int get() {
    if (m_pushed != EOF) {
      const int c = m_pushed;
      m_pushed = EOF;
      ++m_consumed;
      return c;
    }
    if (m_pos == m_end) {
      m_end = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file);
      m_pos = 0;
      if (m_end == 0) return EOF;
    }
    ++m_consumed;
    return static_cast<unsigned char>(m_buffer[m_pos++]);
  }
  void unget(int c) {
    m_pushed = c;
    --m_consumed;
  }

  std::FILE* m_file = nullptr;
  std::string m_buffer;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  int m_pushed = EOF;
  bool m_first = true;
  std::uint64_t m_line = 0;
  std::uint64_t m_record_line = 0;
  std::uint64_t m_consumed = 0;
};

const std::vector<std::string_view> k_map_fields = {
    "time",         "host",          "kind",         "account",
    "account_sid",  "platform",      "image",        "command_line",
    "pid",          "process_guid",  "parent_image", "parent_command_line",
    "parent_pid",   "parent_process_guid", "cwd",    "logon_id",
    "integrity_level", "hashes",     "user",         "technique",
    "source",       "note"};

bool is_map_field(std::string_view field) {
  if (field.substr(0, 5) == "attr." && field.size() > 5) return true;
  return std::find(k_map_fields.begin(), k_map_fields.end(), field) != k_map_fields.end();
}

struct Reject {
  std::string reason;
};

class CsvReader final : public RecordReader {
public:
  CsvReader(const std::string& path, const ReaderOptions& options)
      : m_options(options), m_scanner(path, options.display_path) {
    std::string error;
    const auto status = m_scanner.next(m_header, m_header_raw, error);
    if (status == CsvScanner::Status::end) {
      throw Error(ErrorCode::invalid_input, quote(options.display_path, 200) + " is empty");
    }
    if (status != CsvScanner::Status::record) {
      throw Error(ErrorCode::invalid_input,
                  "cannot read the CSV header of " + quote(options.display_path, 200) +
                      (error.empty() ? "" : ": " + error));
    }
    m_own = exporting::csv::is_casetrail_header(m_header);
    if (m_own && !options.csv_map.empty()) {
      throw Error(ErrorCode::usage, quote(options.display_path, 200) +
                                        " is casetrail's own CSV export: it needs no --map");
    }
    if (!m_own) {
      if (options.csv_map.empty()) {
        throw Error(ErrorCode::usage,
                    quote(options.display_path, 200) +
                        " is a CSV without casetrail's header: map its columns with "
                        "--map column=field (fields: time, host, command_line, ...)");
      }
      bool has_time = false;
      for (const auto& [column, field] : options.csv_map) {
        if (!is_map_field(field)) {
          throw invalid_value("--map", column + "=" + field,
                              "unknown field " + quote(field) + " (see casetrail import --help)");
        }
        const auto it = std::find(m_header.begin(), m_header.end(), column);
        if (it == m_header.end()) {
          throw invalid_value("--map", column + "=" + field,
                              "no column " + quote(column) + " in the header of " +
                                  quote(options.display_path, 200));
        }
        m_map.emplace_back(static_cast<std::size_t>(it - m_header.begin()), field);
        has_time = has_time || field == "time";
      }
      if (!has_time) {
        throw Error(ErrorCode::usage, "--map must name the column that holds the time (column=time)");
      }
    }
  }

  std::optional<ReadItem> next() override {
    for (;;) {
      std::string error;
      const auto status = m_scanner.next(m_fields, m_raw, error);
      if (status == CsvScanner::Status::end) return std::nullopt;
      ReadItem item;
      item.place = m_options.display_path + ":" + std::to_string(m_scanner.record_line());
      if (status == CsvScanner::Status::too_long) {
        item.type = ReadItem::Type::rejected;
        item.reason = "record longer than 64 MiB (not copied to --rejects)";
        return item;
      }
      item.raw = m_raw;
      if (status == CsvScanner::Status::malformed) {
        item.type = ReadItem::Type::rejected;
        item.reason = "malformed CSV: " + error;
        return item;
      }
      // A blank line is no record.
      if (m_fields.size() == 1 && m_fields[0].empty()) continue;
      if (m_own) {
        own(item);
      } else {
        mapped(item);
      }
      return item;
    }
  }

  std::uint64_t bytes_read() const override { return m_scanner.bytes_read(); }

  std::string rejects_preamble() const override { return m_header_raw + "\r\n"; }

private:
  void own(ReadItem& item) {
    auto o = exporting::csv::observation_from_cells(m_fields);
    if (!o) {
      item.type = ReadItem::Type::rejected;
      item.reason = o.error();
      return;
    }
    item.type = ReadItem::Type::observation;
    item.observation = std::move(*o);
    item.keeps_provenance = true;
  }

  void mapped(ReadItem& item) {
    if (m_fields.size() != m_header.size()) {
      item.type = ReadItem::Type::rejected;
      item.reason = "expected " + std::to_string(m_header.size()) + " fields, found " +
                    std::to_string(m_fields.size());
      return;
    }
    try {
      std::map<std::string_view, std::string> v;
      for (const auto& [index, field] : m_map) {
        if (!m_fields[index].empty()) v[field] = m_fields[index];
      }
      auto get = [&](std::string_view field) -> std::optional<std::string> {
        auto it = v.find(field);
        if (it == v.end()) return std::nullopt;
        return it->second;
      };
      auto column_of = [&](std::string_view field) {
        for (const auto& [index, f] : m_map) {
          if (f == field) return m_header[index];
        }
        return std::string(field);
      };
      model::NewObservation o;
      const auto time_text = get("time");
      if (!time_text) throw Reject{"column " + quote(column_of("time")) + " is empty"};
      std::string cut;
      auto t = parse_event_time(*time_text, ZonelessTime::source_tz, m_options.source_tz, &cut);
      if (!t) throw Reject{"invalid time " + quote(*time_text) + ": " + t.error()};
      o.observed = std::move(*t);
      o.time_source = "CSV " + column_of("time");
      add_precision_note(o.attrs, column_of("time"), *time_text, cut);
      auto host = get("host");
      if (!host) host = m_options.host;
      if (!host || !model::canonical_host(*host)) throw Reject{"no host: map a host column or give --host"};
      o.host = *host;
      if (auto platform = get("platform")) {
        std::string p = *platform;
        std::transform(p.begin(), p.end(), p.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        o.host_platform = p;
      }
      o.account = get("account");
      o.account_sid = get("account_sid");
      o.source.name = get("source").value_or("CSV");
      o.note = get("note");
      if (auto ids = get("technique")) {
        std::string_view rest = *ids;
        while (!rest.empty()) {
          const auto sep = rest.find_first_of(";,");
          std::string_view id = rest.substr(0, sep);
          while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
          while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
          if (!id.empty()) o.techniques.emplace_back(id);
          rest = sep == std::string_view::npos ? std::string_view{} : rest.substr(sep + 1);
        }
      }
      model::ProcessDetails p;
      p.image = get("image");
      p.command_line = get("command_line");
      auto pid = [&](const char* field) -> std::optional<std::int64_t> {
        auto text = get(field);
        if (!text) return std::nullopt;
        auto value = parse_pid(*text);
        if (!value) throw Reject{"invalid " + std::string(field) + " " + quote(*text) + ": " + value.error()};
        return *value;
      };
      p.pid = pid("pid");
      p.guid = get("process_guid");
      p.parent_image = get("parent_image");
      p.parent_command_line = get("parent_command_line");
      p.parent_pid = pid("parent_pid");
      p.parent_guid = get("parent_process_guid");
      p.cwd = get("cwd");
      if (auto logon = get("logon_id")) {
        auto id = normalise_logon_id(*logon);
        if (!id) throw Reject{"invalid logon_id " + quote(*logon) + ": " + id.error()};
        p.logon_id = *id;
      }
      p.integrity_level = get("integrity_level");
      p.hashes = get("hashes");
      p.user = get("user");
      const bool has_process = p.image || p.command_line || p.pid || p.guid || p.parent_image ||
                               p.parent_command_line || p.parent_pid || p.parent_guid || p.cwd ||
                               p.logon_id || p.integrity_level || p.hashes || p.user;
      if (auto kind = get("kind")) {
        auto k = model::parse_kind(*kind);
        if (!k) throw Reject{"unknown kind " + quote(*kind)};
        o.kind = *k;
      } else {
        o.kind = has_process ? model::Kind::process : model::Kind::note;
      }
      if (p.command_line) {
        const auto platform = cmdline::guess_platform(o.host_platform.value_or(""),
                                                      p.image.value_or(""), *p.command_line);
        p.args = cmdline::split(*p.command_line, platform);
        if (p.args) p.args_source = platform == cmdline::Platform::windows ? "windows" : "posix";
      }
      if (has_process || o.kind == model::Kind::process) o.process = std::move(p);
      for (const auto& [field, value] : v) {
        if (field.substr(0, 5) == "attr.") o.attrs.emplace_back(std::string(field.substr(5)), value);
      }
      o.raw = m_raw;
      Digest d;
      d.add("csv").add(o.source.name).add(o.host).add(m_raw);
      o.source.fingerprint = m_occurrences.fingerprint({d.finish(), false});
      item.type = ReadItem::Type::observation;
      item.observation = std::move(o);
    } catch (const Reject& r) {
      item.type = ReadItem::Type::rejected;
      item.reason = r.reason;
      item.observation.reset();
    }
  }

  ReaderOptions m_options;
  CsvScanner m_scanner;
  std::vector<std::string> m_header;
  std::string m_header_raw;
  bool m_own = false;
  std::vector<std::pair<std::size_t, std::string>> m_map;
  std::vector<std::string> m_fields;
  std::string m_raw;
  OccurrenceCounter m_occurrences;
};

}  // namespace

std::unique_ptr<RecordReader> make_csv_reader(const std::string& path, const ReaderOptions& options) {
  return std::make_unique<CsvReader>(path, options);
}

const std::vector<std::string_view>& csv_map_fields() { return k_map_fields; }

bool looks_like_csv(std::string_view head) {
  const std::string_view first = head.substr(0, head.find('\n'));
  return first.find(',') != std::string_view::npos &&
         head.find('\0') == std::string_view::npos;
}

}  // namespace casetrail::ingest
