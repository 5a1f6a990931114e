#include "core/export/exporter.hpp"

#include <memory>
#include <optional>
#include <ostream>

#include "core/error.hpp"
#include "core/export/attack_lookup.hpp"
#include "core/export/csv_columns.hpp"
#include "core/export/csv_writer.hpp"
#include "core/export/jsonl_writer.hpp"
#include "core/export/navigator_layer.hpp"
#include "core/export/records.hpp"
#include "core/store/export_store.hpp"

namespace casetrail::exporting {
namespace {

constexpr Format k_formats[] = {Format::csv,           Format::jsonl, Format::timesketch_csv,
                                Format::timesketch_jsonl, Format::ecs,   Format::navigator};

// Output collected in a buffer and handed to the stream in large writes: a
// stream insertion per field costs more than the formatting.
class Output {
public:
  explicit Output(std::ostream& out) : m_out(out) { m_buffer.reserve(k_flush_at + 65536); }
  std::string& buffer() { return m_buffer; }
  void maybe_flush() {
    if (m_buffer.size() >= k_flush_at) flush();
  }
  void flush() {
    m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    if (!m_out) throw Error(ErrorCode::io, "cannot write the export: output failed");
    m_written += static_cast<std::int64_t>(m_buffer.size());
    m_buffer.clear();
  }
  std::int64_t written() const { return m_written; }

private:
  static constexpr std::size_t k_flush_at = 1u << 20;
  std::ostream& m_out;
  std::string m_buffer;
  std::int64_t m_written = 0;
};

// JSON text never fails on bytes that are not UTF-8: fields that must stay
// exact carry a _base64 twin already; anything else is shown with U+FFFD.
void append_json_line(std::string& out, const nlohmann::json& j) {
  out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
}

}  // namespace

std::string_view to_string(Format f) {
  switch (f) {
    case Format::csv: return "csv";
    case Format::jsonl: return "jsonl";
    case Format::timesketch_csv: return "timesketch-csv";
    case Format::timesketch_jsonl: return "timesketch-jsonl";
    case Format::ecs: return "ecs";
    case Format::navigator: return "navigator";
  }
  return "csv";
}

const std::vector<Format>& all_formats() {
  static const std::vector<Format> formats(std::begin(k_formats), std::end(k_formats));
  return formats;
}

Format parse_format(std::string_view text) {
  std::string names;
  for (Format f : k_formats) {
    if (to_string(f) == text) return f;
    names += (names.empty() ? "" : ", ") + std::string(to_string(f));
  }
  throw invalid_value("--format", text, "expected " + names);
}

std::string_view file_extension(Format f) {
  switch (f) {
    case Format::csv:
    case Format::timesketch_csv: return ".csv";
    case Format::jsonl:
    case Format::timesketch_jsonl: return ".jsonl";
    case Format::ecs: return ".ndjson";
    case Format::navigator: return ".json";
  }
  return "";
}

ExportSummary export_case(const store::Database& db, const ExportRequest& request, std::ostream& out) {
  Output output(out);
  std::string& buf = output.buffer();
  ExportSummary summary;
  RecordContext context;
  context.case_record = &request.case_record;
  context.zone = request.zone;

  // What each format needs besides the observations.
  const bool needs_history = request.format != Format::navigator;
  std::optional<store::HistoryReader> history;
  if (needs_history) history.emplace(db, request.case_record.id);
  std::optional<store::ChainLinkReader> chain;
  if (request.format == Format::jsonl) chain.emplace(db, request.case_record.id);
  std::optional<AttackLookup> attack;
  if (request.format == Format::ecs || request.format == Format::navigator) attack.emplace(db);
  std::optional<NavigatorLayer> layer;
  if (request.format == Format::navigator) {
    layer.emplace(request.case_record, *attack, request.zone, request.filters_text);
  }

  csv::ValueRow values;
  JsonlWriter jsonl;
  switch (request.format) {
    case Format::csv: append_csv_record(buf, std::vector<std::string_view>(csv::k_columns.begin(), csv::k_columns.end())); break;
    case Format::timesketch_csv: append_csv_record(buf, timesketch_columns()); break;
    default: break;
  }

  summary.observations = store::for_each_observation(
      db, request.case_record.id, request.filter, [&](const model::ObservationRecord& r) {
        if (history) context.history = &history->read(r.id);
        if (chain) context.chain = chain->read(r.id);
        switch (request.format) {
          case Format::csv:
            csv::fill_values(r, {request.zone, context.history}, values);
            csv::append_csv_row(buf, values);
            break;
          case Format::jsonl: jsonl.append(buf, r, context); break;
          case Format::timesketch_csv: append_csv_record(buf, timesketch_cells(r, context)); break;
          case Format::timesketch_jsonl: append_json_line(buf, timesketch_record(r, context)); break;
          case Format::ecs: append_json_line(buf, ecs_document(r, context, *attack)); break;
          case Format::navigator: layer->add(r); break;
        }
        output.maybe_flush();
      });

  if (layer) {
    buf += layer->layer().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    buf += '\n';
  }
  output.flush();
  out.flush();
  if (!out) throw Error(ErrorCode::io, "cannot write the export: output failed");
  summary.bytes = output.written();
  return summary;
}

}  // namespace casetrail::exporting
