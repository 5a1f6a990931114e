#include "core/ingest/casetrail_jsonl_reader.hpp"

#include <nlohmann/json.hpp>

#include "core/export/observation_reader.hpp"
#include "core/ingest/line_reader.hpp"

namespace casetrail::ingest {
namespace {

class CasetrailJsonlReader final : public RecordReader {
public:
  CasetrailJsonlReader(const std::string& path, const ReaderOptions& options)
      : m_lines(path, options.display_path), m_display(options.display_path) {}

  std::optional<ReadItem> next() override {
    for (;;) {
      const auto status = m_lines.next(m_line);
      if (status == LineReader::Status::end) return std::nullopt;
      ReadItem item;
      item.place = m_display + ":" + std::to_string(m_lines.line_number());
      if (status == LineReader::Status::too_long) {
        item.type = ReadItem::Type::rejected;
        item.reason = "record longer than 64 MiB (not copied to --rejects)";
        return item;
      }
      if (m_line.find_first_not_of(" \t\r") == std::string::npos) continue;
      item.raw = m_line;
      const auto record = nlohmann::json::parse(m_line, nullptr, false);
      if (record.is_discarded()) {
        item.type = ReadItem::Type::rejected;
        item.reason = "malformed JSON";
        return item;
      }
      if (!exporting::is_casetrail_record(record)) {
        item.type = ReadItem::Type::rejected;
        item.reason = "not a casetrail observation (a line of `casetrail export --format jsonl`)";
        return item;
      }
      auto o = exporting::observation_from_json(record);
      if (!o) {
        item.type = ReadItem::Type::rejected;
        item.reason = o.error();
        return item;
      }
      item.type = ReadItem::Type::observation;
      item.observation = std::move(*o);
      item.keeps_provenance = true;
      return item;
    }
  }

  std::uint64_t bytes_read() const override { return m_lines.bytes_read(); }

private:
  LineReader m_lines;
  std::string m_display;
  std::string m_line;
};

}  // namespace

std::unique_ptr<RecordReader> make_casetrail_jsonl_reader(const std::string& path,
                                                          const ReaderOptions& options) {
  return std::make_unique<CasetrailJsonlReader>(path, options);
}

bool looks_like_casetrail_jsonl(std::string_view head) {
  const auto start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') return false;
  const auto end = head.find('\n', start);
  if (end == std::string_view::npos) return false;  // the first record is longer than the head
  const auto record = nlohmann::json::parse(head.substr(start, end - start), nullptr, false);
  return exporting::is_casetrail_record(record);
}

}  // namespace casetrail::ingest
