#include <catch2/catch.hpp>

#include <map>

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/error.hpp"
#include "core/integrity/canonical.hpp"
#include "core/integrity/chain.hpp"
#include "core/integrity/records.hpp"
#include "core/integrity/verify.hpp"
#include "core/store/case_store.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/custody_store.hpp"
#include "core/store/migrations.hpp"
#include "core/store/observation_store.hpp"
#include "core/util/encoding.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

time::UtcTime at_us(std::int64_t us) { return time::UtcTime(time::Micros(us)); }

std::string hex(std::string_view bytes) { return util::hex_encode(bytes); }

// An observation with every field the store keeps set, including bytes that
// are not UTF-8, a raw record large enough to be stored compressed, repeated
// techniques and attributes.
model::NewObservation full_observation(std::int64_t import_run) {
  model::NewObservation o;
  o.kind = model::Kind::process;
  o.observed.utc = at_us(1764511200123456);
  o.observed.offset_seconds = 3600;
  o.observed.fraction_digits = 6;
  o.observed.zone = "Europe/Berlin";
  o.observed.original = "2025-11-30 15:00:00.123456";
  o.time_source = "Sysmon UtcTime";
  o.skew = time::Micros(-2500000);
  o.host = "WS01.corp.local";
  o.host_platform = "windows";
  o.account = "CORP\\Alice";
  o.account_sid = "S-1-5-21-1-2-3-1104";
  o.techniques = {"T1059.001", "T1027", "T1059.001"};
  o.attack_release = "16.1";
  o.source = {"Sysmon 1", "events.jsonl:42", import_run, std::string("\x01\x02\xff fp", 6)};
  o.note = "encoded PowerShell";
  o.raw = std::string(600, 'r') + std::string("\x00\xff", 2);
  o.attrs = {{"rule_name", "technique_id=T1059"}, {"bytes", std::string("\xc3\x28", 2)}};
  model::ProcessDetails p;
  p.image = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.exe";
  p.command_line = std::string("powershell -enc \xff\x00 AAAA", 22);
  p.args = std::vector<std::string>{"powershell", "-enc", std::string("\xff\x00", 2), "AAAA"};
  p.args_source = "windows";
  p.pid = 4242;
  p.guid = "{8a6b1c2d-0000-0000-0000-000000000001}";
  p.parent_image = "C:\\Windows\\explorer.exe";
  p.parent_command_line = "explorer.exe";
  p.parent_pid = 1000;
  p.parent_guid = "{8a6b1c2d-0000-0000-0000-000000000000}";
  p.cwd = "C:\\Users\\alice\\";
  p.logon_id = "0xc61d9";
  p.integrity_level = "High";
  p.hashes = "SHA256=AB";
  p.user = "CORP\\alice";
  o.process = p;
  return o;
}

struct Fixture {
  test::TempDir dir;
  std::string path = (dir / "case.db").string();
  store::Database db = store::Database::open(path);
  model::CaseRecord c = store::create_case(
      db, {"IR-1", "chain", model::Severity::high, std::string("alice"), std::string("UTC"),
           "tester", at_us(1)});
};

}  // namespace

TEST_CASE("each canonical value type serialises to its documented bytes", "[integrity]") {
  integrity::CanonicalWriter w;
  w.begin("t/1");
  w.null();
  w.integer(std::int64_t{-2});
  w.bytes(std::string_view("ab"));
  w.begin_list(2);
  w.integer(std::int64_t{1});
  w.bytes(std::optional<std::string_view>());
  w.end_list();
  CHECK(hex(w.data()) ==
        "02" "0000000000000003" "742f31"                    // label "t/1"
        "00"                                                 // null
        "01" "fffffffffffffffe"                              // -2
        "02" "0000000000000002" "6162"                       // "ab"
        "03" "0000000000000002" "01" "0000000000000001" "00");  // [1, null]
  CHECK(w.field_count() == 4);
  // The first field is the null: tag = FNV-1a 32 of its encoding (one 0x00
  // byte), high half xor low half.
  CHECK(hex(w.tags().substr(0, 2)) == "5813");
  // FNV-1a 32 of "a" is 0xe40c292c (the published test vector).
  CHECK(integrity::field_tag("a") == (0xe40c ^ 0x292c));
  // Read back from the bytes alone, the tags are the writer's.
  CHECK(integrity::field_tags(w.data()) == w.tags());
}

TEST_CASE("field tags read from a serialised observation match the writer's", "[integrity]") {
  integrity::CanonicalWriter w;
  const auto o = full_observation(3);
  integrity::ObservationFields f;
  f.number = 7;
  f.uuid = "u";
  f.kind = "process";
  f.host = o.host;
  f.note = std::string_view(*o.note);
  const std::string digest(32, '\x01');
  f.raw_sha256 = std::string_view(digest);
  f.techniques = {{"T1059.001", std::string_view("16.1")}, {"T1027", std::nullopt}};
  integrity::ProcessFields p;
  p.command_line = std::string_view(*o.process->command_line);
  p.pid = 4242;
  f.process = p;
  integrity::serialise(f, w);
  REQUIRE(w.field_count() == integrity::field_names(integrity::RecordKind::observation).size());
  CHECK(integrity::field_tags(w.data()) == w.tags());
  // A record cut short is tagged up to the last field that still decodes.
  const std::string cut(w.data().substr(0, w.field(5).second + 3));
  CHECK(integrity::field_tags(cut) == w.tags().substr(0, 2 * 6));
  CHECK(integrity::field_tags("").empty());
}

TEST_CASE("a chain link is SHA-256 of the record followed by the previous hash", "[integrity]") {
  integrity::Sha256 sha;
  const auto first = sha.link("record one", integrity::k_genesis);
  CHECK(integrity::to_hex(first) ==
        util::sha256_hex(std::string("record one") + std::string(32, '\0')));
  const auto second = sha.link("record two", first);
  CHECK(integrity::to_hex(second) ==
        util::sha256_hex(std::string("record two") + std::string(integrity::as_bytes(first))));
  CHECK(integrity::digest_from_hex(integrity::to_hex(second)) == second);
  CHECK_FALSE(integrity::digest_from_hex("abc").has_value());
}

TEST_CASE("every record kind has one field name per canonical field", "[integrity]") {
  integrity::CanonicalWriter w;
  integrity::serialise(integrity::CaseFields{}, w);
  CHECK(w.field_count() == integrity::field_names(integrity::RecordKind::case_file).size());
  integrity::serialise(integrity::ImportRunFields{}, w);
  CHECK(w.field_count() == integrity::field_names(integrity::RecordKind::import_run).size());
  integrity::serialise(integrity::ObservationFields{}, w);
  CHECK(w.field_count() == integrity::field_names(integrity::RecordKind::observation).size());
  CHECK(w.field_count() == 41);
  integrity::serialise(integrity::AuditFields{}, w);
  CHECK(w.field_count() == integrity::field_names(integrity::RecordKind::audit).size());
}

TEST_CASE("an observation with every field set verifies after append", "[integrity]") {
  Fixture f;
  const auto file_sha = util::sha256_hex("the file");
  const auto run = store::create_import_run(
      f.db, f.c.id, {"/evidence/events.jsonl", file_sha, 8, "sysmon-jsonl", "tester", at_us(5)});
  model::NewObservation bare;
  bare.kind = model::Kind::note;
  bare.observed.utc = at_us(7);
  bare.observed.original = "@0";
  bare.time_source = "manual";
  bare.host = "10.0.0.1";
  bare.account = "  ";  // no canonical form: stored as observed only
  bare.source.name = "manual";
  const auto appended = store::append_observations(f.db, f.c.id, {full_observation(run), bare},
                                                   {"tester", at_us(9)});
  REQUIRE(appended.numbers == std::vector<std::int64_t>{1, 2});
  store::finish_import_run(f.db, run, at_us(10), R"({"read":1})");
  const auto report = integrity::verify_case(f.db, "IR-1", {});
  CHECK(report.problems.empty());
  CHECK(report.intact());
  CHECK(report.links == 4);
  CHECK(report.case_records == 1);
  CHECK(report.import_runs == 1);
  CHECK(report.observations == 2);
  CHECK(report.audits == 0);
  CHECK(report.head_seq == 4);
  CHECK(report.head == store::chain_head(f.db, f.c.id).hash);
}

TEST_CASE("an observation already present is not chained twice", "[integrity]") {
  Fixture f;
  auto o = full_observation(0);
  o.source.import_run_id.reset();
  store::append_observations(f.db, f.c.id, {o}, {"tester", at_us(9)});
  const auto again = store::append_observations(f.db, f.c.id, {o}, {"tester", at_us(10)});
  CHECK(again.already_present == 1);
  CHECK(store::chain_head(f.db, f.c.id).seq == 2);
  CHECK(integrity::verify_case(f.db, "IR-1", {}).intact());
}

TEST_CASE("a case whose chain writes were switched off does not verify", "[integrity]") {
  Fixture f;
  auto o = full_observation(0);
  o.source.import_run_id.reset();
  store::AppendContext unchained{"tester", at_us(9)};
  unchained.chain = store::ChainMode::off;
  store::append_observations(f.db, f.c.id, {o}, unchained);
  const auto report = integrity::verify_case(f.db, "IR-1", {});
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].message ==
        "observation #1 is not in the chain: inserted outside casetrail");
}

TEST_CASE("a database from before the chain has its records chained when migrated", "[integrity]") {
  test::TempDir dir;
  const auto path = (dir / "old.db").string();
  {
    // Schema version 1 as the foundation release left it, with one case,
    // one observation and one status change.
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(store::embedded_migrations().at(0).sql);
    raw.exec("PRAGMA application_id = " + std::to_string(store::k_application_id));
    raw.exec("PRAGMA user_version = 1");
    raw.exec("INSERT INTO case_file (key, title, severity, created_at, created_by) "
             "VALUES ('OLD-1', 'before', 'low', 1, 'alice')");
    raw.exec("INSERT INTO host (case_id, canonical, first_name) VALUES (1, 'ws1', 'WS1')");
    raw.exec("INSERT INTO observation (case_id, number, uuid, kind, observed_at, observed_offset, "
             "observed_text, time_precision, time_source, host_id, host_observed, source, "
             "analyst, logged_at) VALUES (1, 1, 'u-1', 'process', 5, 0, '@0', 0, 'manual', 1, "
             "'WS1', 'manual', 'alice', 6)");
    raw.exec("INSERT INTO process (observation_id, command_line) VALUES (1, x'77686f616d69')");
    raw.exec("INSERT INTO audit (case_id, observation_id, action, field, old_value, new_value, "
             "reason, analyst, at) VALUES (1, 1, 'status', 'status', 'unverified', 'verified', "
             "'ok', 'alice', 7)");
    raw.exec("INSERT INTO observation_state VALUES (1, 'verified', 7)");
  }
  auto db = store::Database::open(path);
  CHECK(db.schema_version() == store::latest_schema_version());
  const auto report = integrity::verify_case(db, "OLD-1", {});
  CHECK(report.problems.empty());
  CHECK(report.links == 3);
  CHECK(report.observations == 1);
  CHECK(report.audits == 1);
}

TEST_CASE("an import run's custody fields cannot change and it finishes once", "[integrity]") {
  Fixture f;
  const auto run = store::create_import_run(
      f.db, f.c.id, {"a.jsonl", util::sha256_hex("a"), 1, "ecs", "tester", at_us(5)});
  store::finish_import_run(f.db, run, at_us(6), "{}");
  CHECK_THROWS_WITH(store::finish_import_run(f.db, run, at_us(7), "{}"),
                    "import run 1 does not exist or is already finished");
  CHECK_THROWS_WITH(f.db.connection().exec("UPDATE import_run SET sha256 = 'x'"),
                    "casetrail: import_run is append-only except finished_at and counts");
  CHECK_THROWS_WITH(f.db.connection().exec("DELETE FROM import_run"),
                    "casetrail: import_run is append-only");
  const auto runs = store::list_import_runs(f.db, f.c.id);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].finished_at == at_us(6));
  CHECK(integrity::verify_case(f.db, "IR-1", {}).intact());
}

TEST_CASE("verify --source says which import run a file is and refuses another file",
          "[integrity]") {
  Fixture f;
  const auto file = f.dir / "events.jsonl";
  test::write_file(file, "{\"EventID\":1}\n");
  const auto digest = integrity::hash_file(file.string());
  CHECK(digest.sha256 == util::sha256_hex("{\"EventID\":1}\n"));
  CHECK(digest.size == 14);
  store::create_import_run(f.db, f.c.id,
                           {"events.jsonl", digest.sha256, 14, "sysmon-jsonl", "bob", at_us(5)});
  auto r = test::run_cli({"--db", f.path, "verify", "--case", "IR-1", "--source", file.string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("source " + file.string() + ": sha256 " + digest.sha256 +
                                    ", 14 bytes: matches import run 1 (events.jsonl, "
                                    "sysmon-jsonl, 1970-01-01T00:00:00.000005Z by bob)\n"));
  const auto other = f.dir / "other.jsonl";
  test::write_file(other, "{\"EventID\":2}\n");
  r = test::run_cli({"--db", f.path, "verify", "--case", "IR-1", "--source", other.string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains(": matches no import run of case IR-1\nintact\n"));
  CHECK(r.err == "casetrail: error: --source \"" + other.string() +
                     "\" is not a file case IR-1 imported\n");
  r = test::run_cli({"--db", f.path, "verify", "--case", "IR-1", "--source",
                     (f.dir / "missing").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "casetrail: error: cannot read --source \"" + (f.dir / "missing").string() + "\"\n");
}

TEST_CASE("chain links stream in order with each record's kind, number and hash", "[integrity]") {
  Fixture f;
  auto o = full_observation(0);
  o.source.import_run_id.reset();
  store::append_observations(f.db, f.c.id, {o}, {"tester", at_us(9)});
  store::change_status(f.db, f.c.id, "IR-1", 1, model::Status::benign, "admin task", "tester",
                       at_us(10));
  std::vector<std::string> seen;
  std::string last_hash;
  store::for_each_chain_link(f.db, f.c.id, [&](const store::StoredLink& l) {
    seen.push_back(std::to_string(l.seq) + " " + std::string(integrity::to_string(l.kind)) + " " +
                   (l.number ? "#" + std::to_string(*l.number) : "-"));
    CHECK(l.hash.size() == 32);
    last_hash = l.hash;
  });
  CHECK(seen == std::vector<std::string>{"1 case -", "2 observation #1", "3 audit #1"});
  const auto head = store::chain_head(f.db, f.c.id);
  CHECK(head.seq == 3);
  REQUIRE(head.hash.has_value());
  CHECK(std::string(integrity::as_bytes(*head.hash)) == last_hash);
}

TEST_CASE("verify of a case spread over many batches names each tampered record in order",
          "[integrity]") {
  // Verify hashes in batches on worker threads: enough observations for
  // many batches, tampered early, in the middle and at the end, through
  // their raw records (decoded and hashed on the workers) and a command line.
  Fixture f;
  const auto run = store::create_import_run(
      f.db, f.c.id, {"/evidence/many.jsonl", util::sha256_hex("many"), 4, "sysmon-jsonl", "tester", at_us(5)});
  constexpr int k_count = 1500;
  std::vector<model::NewObservation> all;
  for (int i = 0; i < k_count; ++i) {
    auto o = full_observation(run);
    o.source.fingerprint = "fp" + std::to_string(i);
    o.raw = "record " + std::to_string(i) + " " + std::string(400, 'x');
    o.process->command_line = "cmd /c echo " + std::to_string(i);
    all.push_back(std::move(o));
  }
  store::append_observations(f.db, f.c.id, all, {"tester", at_us(9)});
  {
    const auto report = integrity::verify_case(f.db, "IR-1", {});
    CHECK(report.intact());
    CHECK(report.observations == k_count);
  }
  {
    SQLite::Database raw(f.path, SQLite::OPEN_READWRITE);
    for (const auto& t : {"observation_append_only_update", "process_append_only_update"}) {
      raw.exec(std::string("DROP TRIGGER ") + t);
    }
    // #12: another valid zstd frame; #1,499: bytes that are no zstd frame.
    SQLite::Statement edit(raw, "UPDATE observation SET raw = ? WHERE number = ?");
    const std::string other = util::zstd_compress("record 11 " + std::string(400, 'y'));
    edit.bind(1, other.data(), static_cast<int>(other.size()));
    edit.bind(2, 12);
    REQUIRE(edit.exec() == 1);
    edit.reset();
    edit.bind(1, "not a frame", 11);
    edit.bind(2, 1499);
    REQUIRE(edit.exec() == 1);
    raw.exec("UPDATE process SET command_line = CAST('cmd /c echo 700!' AS BLOB) WHERE "
             "observation_id = (SELECT id FROM observation WHERE number = 701)");
  }
  const auto report = integrity::verify_case(f.db, "IR-1", {});
  CHECK_FALSE(report.intact());
  CHECK(report.observations == k_count);
  REQUIRE(report.problems.size() == 3);
  CHECK(report.problems[0].message == "observation #12 (chain record 14) was modified: raw_sha256");
  CHECK(report.problems[0].fields == std::vector<std::string>{"raw_sha256"});
  CHECK(report.problems[1].message ==
        "observation #701 (chain record 703) was modified: command_line");
  CHECK(report.problems[2].message ==
        "observation #1499 (chain record 1501) was modified: raw_sha256");
}

TEST_CASE("a raw record's digest given by the caller is chained as given and checked by verify",
          "[integrity]") {
  // The import digests raw records on its reading thread and hands the
  // digest to the store, which then does not hash them again.
  Fixture f;
  const auto run = store::create_import_run(
      f.db, f.c.id, {"/evidence/digest.jsonl", util::sha256_hex("digest"), 4, "sysmon-jsonl", "tester", at_us(5)});
  auto right = full_observation(run);
  right.source.fingerprint = "right";
  integrity::Sha256 sha;
  right.raw_sha256 = std::string(integrity::as_bytes(sha.digest(*right.raw)));
  auto wrong = full_observation(run);
  wrong.source.fingerprint = "wrong";
  wrong.raw_sha256 = std::string(integrity::as_bytes(sha.digest("some other record")));
  auto absent = full_observation(run);
  absent.source.fingerprint = "absent";
  store::append_observations(f.db, f.c.id, {right, wrong, absent}, {"tester", at_us(9)});

  const auto report = integrity::verify_case(f.db, "IR-1", {});
  CHECK(report.observations == 3);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].message == "observation #2 (chain record 4) was modified: raw_sha256");
  // The digest given for the first is the one the store computed for the
  // third: their raw_sha256 fields (index 21) carry the same tag.
  std::map<std::int64_t, std::string> tags;
  store::for_each_chain_link(f.db, f.c.id, [&](const store::StoredLink& link) {
    if (link.number) tags[*link.number] = link.tags;
  });
  REQUIRE(tags.size() == 3);
  CHECK(tags[1].substr(2 * 21, 2) == tags[3].substr(2 * 21, 2));
  CHECK(tags[2].substr(2 * 21, 2) != tags[3].substr(2 * 21, 2));
}
