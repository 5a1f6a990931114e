#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/table.hpp"
#include "core/error.hpp"
#include "core/evidence/amend.hpp"
#include "core/export/observation_json.hpp"

namespace casetrail::cli {
namespace {

struct AmendOptions {
  std::string case_key;
  std::string ref;
  std::string field;
  std::string value;
  std::string text;
  std::string technique;
  std::string reason;
  std::string tz;
  bool remove = false;
};

std::string field_list() {
  std::string names;
  for (const auto& f : evidence::correctable_fields()) {
    names += (names.empty() ? "" : ", ") + std::string(f.name);
  }
  return names;
}

}  // namespace

void setup_obs_amend_commands(CLI::App* noun, Context& ctx) {
  auto opts = std::make_shared<AmendOptions>();

  auto* correct = noun->add_subcommand(
      "correct", "Record a corrected value beside the logged one (which stays)");
  correct->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  correct->add_option("ref", opts->ref, "Observation number")->required();
  correct->add_option("--field", opts->field, "Field to correct: " + field_list())->required();
  correct->add_option("--value", opts->value, "The corrected value (as `log` takes it)")->required();
  correct->add_option("--reason", opts->reason, "Why (required)");
  correct->add_option("--tz", opts->tz, "IANA zone for a local --value of --field time");
  correct->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    evidence::CorrectInput in;
    in.case_key = ctx.case_key(opts->case_key);
    in.ref = opts->ref;
    in.field = opts->field;
    in.value = opts->value;
    in.reason = opts->reason;
    if (!opts->tz.empty()) in.tz = opts->tz;
    const auto r = evidence::correct_observation(db, in, ctx.actor());
    if (ctx.json) {
      nlohmann::json j{{"number", r.number}, {"field", r.field}};
      if (r.old_value) {
        exporting::put_bytes(j, "old", *r.old_value);
      } else {
        j["old"] = nullptr;
      }
      exporting::put_bytes(j, "new", r.new_value);
      ctx.out << j.dump(2) << '\n';
    } else {
      ctx.out << '#' << r.number << ' ' << r.field << ": " << printable(r.old_value.value_or("-"))
              << " -> " << printable(r.new_value) << '\n';
    }
  });

  auto* note = noun->add_subcommand("note", "Add a note to an observation");
  note->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  note->add_option("ref", opts->ref, "Observation number")->required();
  note->add_option("--text", opts->text, "The note")->required();
  note->add_option("--reason", opts->reason, "Why (optional)");
  note->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    evidence::NoteInput in;
    in.case_key = ctx.case_key(opts->case_key);
    in.ref = opts->ref;
    in.text = opts->text;
    if (!opts->reason.empty()) in.reason = opts->reason;
    const auto number = evidence::note_observation(db, in, ctx.actor());
    if (ctx.json) {
      nlohmann::json j{{"number", number}};
      exporting::put_bytes(j, "note", in.text);
      ctx.out << j.dump(2) << '\n';
    } else {
      ctx.out << '#' << number << " note added\n";
    }
  });

  auto* tag = noun->add_subcommand("tag", "Add (or with --remove, remove) an ATT&CK technique");
  tag->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  tag->add_option("ref", opts->ref, "Observation number")->required();
  tag->add_option("--technique", opts->technique, "Technique ID (T1059 or T1059.001)")->required();
  tag->add_flag("--remove", opts->remove, "Remove the technique instead of adding it");
  tag->add_option("--reason", opts->reason, "Why (required)");
  tag->callback([&ctx, opts] {
    const auto db = ctx.open_db(store::OpenMode::existing);
    evidence::TagInput in;
    in.case_key = ctx.case_key(opts->case_key);
    in.ref = opts->ref;
    in.technique = opts->technique;
    in.remove = opts->remove;
    in.reason = opts->reason;
    const auto r = evidence::tag_observation(db, in, ctx.actor());
    for (const auto& w : r.warnings) ctx.warn(w);
    if (ctx.json) {
      ctx.out << nlohmann::json{{"number", r.number},
                                {"technique", r.technique},
                                {"present", r.present}}
                     .dump(2)
              << '\n';
    } else {
      ctx.out << '#' << r.number << (r.present ? " + " : " - ") << r.technique << '\n';
    }
  });
}

}  // namespace casetrail::cli
