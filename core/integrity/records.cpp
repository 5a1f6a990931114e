#include "core/integrity/records.hpp"

namespace casetrail::integrity {

std::string_view to_string(RecordKind kind) {
  switch (kind) {
    case RecordKind::case_file: return "case";
    case RecordKind::import_run: return "import_run";
    case RecordKind::observation: return "observation";
    case RecordKind::audit: return "audit";
  }
  return "case";
}

std::optional<RecordKind> parse_record_kind(std::string_view text) {
  for (RecordKind k : {RecordKind::case_file, RecordKind::import_run, RecordKind::observation,
                       RecordKind::audit}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

void serialise(const CaseFields& r, CanonicalWriter& w) {
  w.begin("case/1");
  w.bytes(r.key);
  w.bytes(r.title);
  w.bytes(r.severity);
  w.bytes(r.lead);
  w.bytes(r.time_zone);
  w.integer(r.created_at);
  w.bytes(r.created_by);
}

void serialise(const ImportRunFields& r, CanonicalWriter& w) {
  w.begin("import_run/1");
  w.integer(r.id);
  w.bytes(r.path);
  w.bytes(r.sha256);
  w.integer(r.size);
  w.bytes(r.format);
  w.bytes(r.analyst);
  w.integer(r.started_at);
}

void serialise(const ObservationFields& r, CanonicalWriter& w) {
  w.begin("observation/1");
  w.integer(r.number);
  w.bytes(r.uuid);
  w.bytes(r.kind);
  w.integer(r.observed_at);
  w.integer(r.observed_offset);
  w.bytes(r.observed_text);
  w.integer(r.time_precision);
  w.bytes(r.time_zone);
  w.bytes(r.time_source);
  w.integer(r.skew_us);
  w.bytes(r.host);
  w.bytes(r.host_observed);
  w.bytes(r.account);
  w.bytes(r.account_observed);
  w.bytes(r.source);
  w.bytes(r.source_ref);
  w.integer(r.import_run);
  w.bytes(r.fingerprint);
  w.bytes(r.analyst);
  w.integer(r.logged_at);
  w.bytes(r.note);
  w.bytes(r.raw_sha256);
  w.bytes(r.attrs);
  w.begin_list(r.techniques.size());
  for (const TechniqueField& t : r.techniques) {
    w.begin_list(2);
    w.bytes(t.id);
    w.bytes(t.attack_release);
    w.end_list();
  }
  w.end_list();
  // The process part: a presence marker, then its fields (all null without
  // one), so that a removed process row and a row of nulls differ.
  static const ProcessFields k_none{};
  const ProcessFields& p = r.process ? *r.process : k_none;
  w.integer(r.process ? Int(1) : std::nullopt);
  w.bytes(p.image);
  w.bytes(p.image_name);
  w.bytes(p.command_line);
  w.bytes(p.args);
  w.bytes(p.args_source);
  w.integer(p.pid);
  w.bytes(p.guid);
  w.bytes(p.parent_image);
  w.bytes(p.parent_command_line);
  w.integer(p.parent_pid);
  w.bytes(p.parent_guid);
  w.bytes(p.cwd);
  w.bytes(p.logon_id);
  w.bytes(p.integrity_level);
  w.bytes(p.hashes);
  w.bytes(p.user);
}

void serialise(const AuditFields& r, CanonicalWriter& w) {
  w.begin("audit/1");
  w.integer(r.observation);
  w.bytes(r.action);
  w.bytes(r.field);
  w.bytes(r.old_value);
  w.bytes(r.new_value);
  w.bytes(r.reason);
  w.bytes(r.analyst);
  w.integer(r.at);
  w.bytes(r.attack_release);
}

const std::vector<std::string_view>& field_names(RecordKind kind) {
  static const std::vector<std::string_view> k_case = {
      "key", "title", "severity", "lead", "time_zone", "created_at", "created_by"};
  static const std::vector<std::string_view> k_import_run = {
      "id", "path", "sha256", "size", "format", "analyst", "started_at"};
  static const std::vector<std::string_view> k_observation = {
      "number", "uuid", "kind", "observed_at", "observed_offset", "observed_text",
      "time_precision", "time_zone", "time_source", "skew_us", "host", "host_observed",
      "account", "account_observed", "source", "source_ref", "import_run", "fingerprint",
      "analyst", "logged_at", "note", "raw_sha256", "attrs", "techniques", "process", "image",
      "image_name", "command_line", "args", "args_source", "pid", "process_guid",
      "parent_image", "parent_command_line", "parent_pid", "parent_process_guid", "cwd",
      "logon_id", "integrity_level", "hashes", "process_user"};
  static const std::vector<std::string_view> k_audit = {
      "observation", "action", "field", "old_value", "new_value", "reason", "analyst", "at",
      "attack_release"};
  switch (kind) {
    case RecordKind::case_file: return k_case;
    case RecordKind::import_run: return k_import_run;
    case RecordKind::observation: return k_observation;
    case RecordKind::audit: return k_audit;
  }
  return k_case;
}

}  // namespace casetrail::integrity
