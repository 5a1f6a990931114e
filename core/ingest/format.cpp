#include "core/ingest/format.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "core/ingest/casetrail_jsonl_reader.hpp"
#include "core/ingest/csv_reader.hpp"
#include "core/ingest/ecs_reader.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/ingest/windows_json_reader.hpp"

namespace casetrail::ingest {
namespace {

// The XML and auditd readers also open streams (an overload), so the table
// names these file-opening forms.
std::unique_ptr<RecordReader> open_xml(const std::string& path, const ReaderOptions& options) {
  return make_xml_reader(path, options);
}

std::unique_ptr<RecordReader> open_auditd(const std::string& path, const ReaderOptions& options) {
  return make_auditd_reader(path, options);
}

}  // namespace

const std::vector<Format>& formats() {
  // Detection order: binary and unmistakable signatures first, JSON forms
  // next (flat Windows events before generic ECS), CSV last.
  static const std::vector<Format> table = {
      {"evtx", "Windows .evtx event log (read with libevtx)", looks_like_evtx, make_evtx_reader},
      {"windows-xml", "Windows event XML (wevtutil qe /f:xml, Get-WinEvent ToXml)",
       looks_like_xml, open_xml},
      {"auditd", "Linux auditd log (raw audit.log)", looks_like_auditd, open_auditd},
      {"casetrail-jsonl", "casetrail's own JSONL export (export --format jsonl)",
       looks_like_casetrail_jsonl, make_casetrail_jsonl_reader},
      {"windows-json", "flat Windows event JSON lines (NXLog, Logstash/Kafka pipelines)",
       looks_like_windows_json, make_windows_json_reader},
      {"ecs", "Elastic Common Schema JSON / NDJSON / Elasticsearch search response",
       looks_like_json, make_ecs_reader},
      {"csv", "CSV: casetrail's own export, or any CSV with --map column=field", looks_like_csv,
       make_csv_reader},
  };
  return table;
}

const Format* find_format(std::string_view name) {
  for (const Format& f : formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool looks_like_evtx(std::string_view head) {
  return head.substr(0, 8) == std::string_view("ElfFile\0", 8);
}

namespace {
std::string_view skip_bom_and_space(std::string_view head) {
  if (head.substr(0, 3) == "\xef\xbb\xbf") head.remove_prefix(3);
  const auto start = head.find_first_not_of(" \t\r\n");
  return start == std::string_view::npos ? std::string_view{} : head.substr(start);
}
}  // namespace

bool looks_like_xml(std::string_view head) {
  const auto body = skip_bom_and_space(head);
  return !body.empty() && body.front() == '<';
}

bool looks_like_auditd(std::string_view head) {
  // The first line: [node=NAME ]type=TYPE msg=audit(EPOCH:SERIAL): ...
  // (https://github.com/linux-audit/audit-documentation/wiki/SPEC-Audit-Event-Enrichment).
  std::string_view first = skip_bom_and_space(head);
  first = first.substr(0, first.find('\n'));
  if (first.substr(0, 5) == "node=") {
    const auto space = first.find(' ');
    if (space == std::string_view::npos) return false;
    first.remove_prefix(space + 1);
  }
  return first.substr(0, 5) == "type=" && first.find(" msg=audit(") != std::string_view::npos;
}

const Format& detect_format(const std::string& path, const std::string& display_path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw Error(ErrorCode::io, "cannot read " + quote(display_path, 200) + ": " + std::strerror(errno));
  }
  std::string head(k_sniff_bytes, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), file));
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Error(ErrorCode::io, "cannot read " + quote(display_path, 200) + ": read error");
  if (head.empty()) throw Error(ErrorCode::invalid_input, quote(display_path, 200) + " is empty");
  for (const Format& f : formats()) {
    if (f.sniff(head)) return f;
  }
  std::string names;
  for (const Format& f : formats()) {
    if (!names.empty()) names += ", ";
    names += f.name;
  }
  throw Error(ErrorCode::invalid_input, "cannot tell the format of " + quote(display_path, 200) +
                                            ": give --format (" + names + ")");
}

}  // namespace casetrail::ingest
