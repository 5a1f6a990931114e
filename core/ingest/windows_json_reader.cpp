#include "core/ingest/windows_json_reader.hpp"

#include <simdjson.h>

#include <array>
#include <charconv>

#include "core/error.hpp"
#include "core/ingest/json_util.hpp"
#include "core/ingest/line_reader.hpp"

namespace casetrail::ingest {
namespace {

// Top-level fields that are the event's System part or the pipeline's, not
// EventData: kept in the raw record, left out of the event data (so that
// they do not change the fingerprint when a pipeline re-renders them).
constexpr std::array<std::string_view, 24> k_not_event_data = {
    "@timestamp", "@version",  "Message",        "Level",          "Task",
    "Keywords",   "Opcode",    "OpcodeValue",    "Version",        "ProviderGuid",
    "Severity",   "SeverityValue", "EventReceivedTime", "SourceModuleName",
    "SourceModuleType", "ActivityID", "ThreadID", "Category", "EventTime",
    "TimeCreated", "tags", "host", "log", "agent"};

bool is_not_event_data(std::string_view key) {
  for (auto k : k_not_event_data) {
    if (k == key) return true;
  }
  return false;
}

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

class WindowsJsonReader final : public RecordReader {
public:
  WindowsJsonReader(const std::string& path, const ReaderOptions& options)
      : m_lines(path, options.display_path), m_display(options.display_path) {}

  std::optional<ReadItem> next() override {
    for (;;) {
      const auto status = m_lines.next(m_line, simdjson::SIMDJSON_PADDING);
      if (status == LineReader::Status::end) return std::nullopt;
      ReadItem item;
      item.place = m_display + ":" + std::to_string(m_lines.line_number());
      if (status == LineReader::Status::too_long) {
        item.type = ReadItem::Type::rejected;
        item.reason = "record longer than 64 MiB (not copied to --rejects)";
        return item;
      }
      if (blank(m_line)) continue;
      parse(item);
      return item;
    }
  }

  std::uint64_t bytes_read() const override { return m_lines.bytes_read(); }

private:
  void reject(ReadItem& item, std::string reason) {
    item.type = ReadItem::Type::rejected;
    item.reason = std::move(reason);
    item.windows_event.reset();
  }

  void parse(ReadItem& item) {
    item.raw = m_line;
    simdjson::ondemand::document doc;
    auto error = m_parser.iterate(m_line.data(), m_line.size(), m_line.capacity()).get(doc);
    simdjson::ondemand::object object;
    if (!error) error = doc.get_object().get(object);
    if (error) return reject(item, json::reason(error));

    WindowsEvent event;
    bool has_event_id = false;
    std::string text;
    bool is_null = false;
    for (auto field : object) {
      std::string_view key;
      if ((error = field.unescaped_key().get(key))) return reject(item, json::reason(error));
      const std::string name(key);
      simdjson::ondemand::value value;
      if ((error = field.value().get(value))) return reject(item, json::reason(error));
      if (name == "EventData" || name == "event_data") {
        simdjson::ondemand::json_type type;
        if ((error = value.type().get(type))) return reject(item, json::reason(error));
        if (type == simdjson::ondemand::json_type::object) {
          simdjson::ondemand::object data;
          if ((error = value.get_object().get(data))) return reject(item, json::reason(error));
          for (auto inner : data) {
            std::string_view inner_key;
            if ((error = inner.unescaped_key().get(inner_key))) return reject(item, json::reason(error));
            const std::string inner_name(inner_key);
            simdjson::ondemand::value inner_value;
            if ((error = inner.value().get(inner_value))) return reject(item, json::reason(error));
            if ((error = json::value_text(inner_value, text, is_null))) {
              return reject(item, json::reason(error));
            }
            if (!is_null) event.data.emplace_back(inner_name, text);
          }
          continue;
        }
      }
      if ((error = json::value_text(value, text, is_null))) return reject(item, json::reason(error));
      if (is_null) continue;
      if (name == "EventID" || name == "EventId" || name == "event_id") {
        int id = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc() || ptr != text.data() + text.size() || id < 0) {
          return reject(item, "invalid EventID " + quote(text) + ": expected a number");
        }
        event.event_id = id;
        has_event_id = true;
      } else if (name == "Channel") {
        event.channel = text;
      } else if (name == "Hostname" || name == "Computer" || name == "ComputerName") {
        event.computer = text;
      } else if (name == "SourceName" || name == "ProviderName" || name == "Provider_Name") {
        event.provider = text;
      } else if (name == "EventRecordID" || name == "RecordNumber" || name == "RecordId") {
        std::int64_t record = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), record);
        if (ec != std::errc() || ptr != text.data() + text.size()) {
          return reject(item, "invalid " + name + " " + quote(text) + ": expected a number");
        }
        event.record_id = record;
      } else if (name == "TimeCreated" || (name == "EventTime" && !event.system_time)) {
        event.system_time = text;
      } else if (!is_not_event_data(name)) {
        event.data.emplace_back(name, text);
      }
    }
    if (error) return reject(item, json::reason(error));
    // Anything after the object (a second object on the line, stray text).
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      return reject(item, "malformed JSON: text after the object");
    }
    if (!has_event_id) return reject(item, "missing EventID");
    item.type = ReadItem::Type::windows_event;
    item.windows_event = std::move(event);
  }

  LineReader m_lines;
  std::string m_display;
  std::string m_line;
  simdjson::ondemand::parser m_parser;
};

}  // namespace

std::unique_ptr<RecordReader> make_windows_json_reader(const std::string& path,
                                                       const ReaderOptions& options) {
  return std::make_unique<WindowsJsonReader>(path, options);
}

bool looks_like_windows_json(std::string_view head) {
  const auto start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') return false;
  // The first record (up to its line end, or all of the head).
  std::string_view first = head.substr(start, head.find('\n', start) - start);
  // Either key is enough: the head may end inside a long first record (a
  // 10 MB command line) before the other one. ECS writes neither at top
  // level (Winlogbeat has winlog.channel and event.code).
  return first.find("\"EventID\"") != std::string_view::npos ||
         first.find("\"Channel\"") != std::string_view::npos;
}

}  // namespace casetrail::ingest
