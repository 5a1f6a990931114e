#include "core/evidence/amend.hpp"

#include <algorithm>

#include "core/attack/technique_check.hpp"
#include "core/error.hpp"
#include "core/model/identity.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/case_store.hpp"
#include "core/store/observation_store.hpp"

namespace casetrail::evidence {
namespace {

std::optional<std::string> to_text(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

// The logged value of a field as text (what the first correction replaces).
std::optional<std::string> original_value(const model::ObservationRecord& r, std::string_view key) {
  const auto& p = r.process;
  auto process_text = [&](auto member) -> std::optional<std::string> {
    if (!p) return std::nullopt;
    return (*p).*member;
  };
  if (key == "observed_at") return time::format_utc(r.observed_at);
  if (key == "kind") return std::string(model::to_string(r.kind));
  if (key == "host") return r.host_observed;
  if (key == "account") return r.account_observed;
  if (key == "command_line") return process_text(&model::ProcessDetails::command_line);
  if (key == "image") return process_text(&model::ProcessDetails::image);
  if (key == "pid") return p ? to_text(p->pid) : std::nullopt;
  if (key == "process_guid") return process_text(&model::ProcessDetails::guid);
  if (key == "parent_image") return process_text(&model::ProcessDetails::parent_image);
  if (key == "parent_command_line") {
    return process_text(&model::ProcessDetails::parent_command_line);
  }
  if (key == "parent_pid") return p ? to_text(p->parent_pid) : std::nullopt;
  if (key == "parent_process_guid") return process_text(&model::ProcessDetails::parent_guid);
  if (key == "cwd") return process_text(&model::ProcessDetails::cwd);
  if (key == "logon_id") return process_text(&model::ProcessDetails::logon_id);
  if (key == "integrity_level") return process_text(&model::ProcessDetails::integrity_level);
  if (key == "hashes") return process_text(&model::ProcessDetails::hashes);
  if (key == "source") return r.source;
  if (key == "source_ref") return r.source_ref;
  if (key == "note") return r.note;
  return std::nullopt;
}

// Validates and normalises a corrected value the way `log` treats the option.
std::string normalise_value(const model::CaseRecord& c,
                            std::string_view key, const CorrectInput& in) {
  const std::string& v = in.value;
  if (v.empty()) throw invalid_value("--value", v, "empty");
  if (key == "observed_at") {
    time::ParseOptions options;
    options.zone = display_zone(&c, in.tz);
    auto parsed = time::parse_time(v, options);
    if (!parsed) throw invalid_value("--value", v, parsed.error());
    return time::format_utc(parsed->utc);
  }
  if (key == "kind") {
    const auto kind = model::parse_kind(v);
    if (!kind) throw invalid_value("--value", v, "expected an observation kind");
    return std::string(model::to_string(*kind));
  }
  if (key == "host" && !model::canonical_host(v)) throw invalid_value("--value", v, "empty host name");
  if (key == "account" && !model::canonical_account(v)) {
    throw invalid_value("--value", v, "empty account name");
  }
  if (key == "pid" || key == "parent_pid") return std::to_string(parse_pid("--value", v));
  if (key == "logon_id") return normalise_logon_id("--value", v);
  return v;
}

}  // namespace

const std::vector<CorrectableField>& correctable_fields() {
  static const std::vector<CorrectableField> fields = {
      {"time", "observed_at", "when it happened (like log --time)"},
      {"kind", "kind", "observation kind"},
      {"host", "host", "host as observed"},
      {"account", "account", "account as observed"},
      {"cmd", "command_line", "exact command line"},
      {"image", "image", "process image path"},
      {"pid", "pid", "process id"},
      {"guid", "process_guid", "process GUID"},
      {"parent-image", "parent_image", "parent image path"},
      {"parent-cmd", "parent_command_line", "parent command line"},
      {"parent-pid", "parent_pid", "parent process id"},
      {"parent-guid", "parent_process_guid", "parent process GUID"},
      {"cwd", "cwd", "working directory"},
      {"logon-id", "logon_id", "logon id"},
      {"integrity-level", "integrity_level", "integrity level"},
      {"hashes", "hashes", "image hashes"},
      {"source", "source", "telemetry source"},
      {"source-ref", "source_ref", "where in the source"},
      {"note", "note", "the note logged with it"},
  };
  return fields;
}

CorrectResult correct_observation(const store::Database& db, const CorrectInput& in,
                                  const Actor& actor) {
  if (in.reason.empty()) throw Error(ErrorCode::usage, "missing --reason: say why the value is corrected");
  std::string wanted = in.field;
  const auto& fields = correctable_fields();
  auto it = std::find_if(fields.begin(), fields.end(), [&](const CorrectableField& f) {
    return f.name == wanted || f.key == wanted;
  });
  if (it == fields.end()) {
    std::string names;
    for (const auto& f : fields) names += (names.empty() ? "" : ", ") + std::string(f.name);
    throw invalid_value("--field", in.field, "not correctable; one of " + names);
  }
  const model::CaseRecord c = store::require_case(db, in.case_key);
  const std::int64_t number = parse_observation_ref("observation", in.ref);
  const model::ObservationRecord r = store::require_observation(db, c.id, c.key, number);
  CorrectResult result;
  result.number = number;
  result.field = std::string(it->key);
  result.new_value = normalise_value(c, it->key, in);
  result.old_value = store::add_correction(db, c.id, c.key, number, result.field,
                                           original_value(r, it->key), result.new_value,
                                           in.reason, {actor.analyst, actor.now});
  return result;
}

std::int64_t note_observation(const store::Database& db, const NoteInput& in, const Actor& actor) {
  if (in.text.empty()) throw Error(ErrorCode::usage, "missing --text: the note to add");
  const model::CaseRecord c = store::require_case(db, in.case_key);
  const std::int64_t number = parse_observation_ref("observation", in.ref);
  store::add_note(db, c.id, c.key, number, in.text, in.reason, {actor.analyst, actor.now});
  return number;
}

TagResult tag_observation(const store::Database& db, const TagInput& in, const Actor& actor) {
  if (in.reason.empty()) {
    throw Error(ErrorCode::usage, "missing --reason: say why the technique changes");
  }
  const model::CaseRecord c = store::require_case(db, in.case_key);
  const std::int64_t number = parse_observation_ref("observation", in.ref);
  TagResult result;
  result.number = number;
  result.present = !in.remove;
  std::optional<std::string> release;
  if (in.remove) {
    // A technique that was wrongly given can be removed even if the
    // catalogue has since revoked it: only the form is checked.
    result.technique = attack::normalise_technique_id(in.technique);
    if (!attack::is_technique_id(result.technique)) {
      throw invalid_value("--technique", in.technique,
                          "expected an ATT&CK technique ID such as T1059 or T1059.001");
    }
  } else {
    const auto checked = attack::check_techniques(db, "--technique", {in.technique});
    result.technique = checked.ids.at(0);
    release = checked.release;
    result.warnings = checked.warnings;
  }
  store::change_technique(db, c.id, c.key, number, result.technique, result.present, release,
                          in.reason, {actor.analyst, actor.now});
  return result;
}

}  // namespace casetrail::evidence
