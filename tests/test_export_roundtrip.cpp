// Round trips: casetrail's own csv, jsonl and ECS exports, imported into a
// new case and exported again, give the same content. What differs is only
// what describes an observation in a case rather than the evidence: its
// number and uuid, its status and history (an import is new, unverified
// evidence), who logged it and when, and on the first hop the fingerprint
// (an observation logged by hand has none; the import derives one from its
// uuid, so that importing the same file twice adds nothing).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/export/csv_columns.hpp"
#include "tests/export_support.hpp"

using casetrail::test::HandCase;

namespace {

namespace csv = casetrail::exporting::csv;

// RFC 4180 records (the test's own small reader, independent of the import's).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  REQUIRE(field.empty());
  REQUIRE(row.empty());
  return rows;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

const std::vector<std::string> k_context = {"number",  "uuid",   "status",  "analyst",
                                            "logged_at", "history", "same_execution_as", "case",
                                            "import_run", "chain_seq", "chain_hash"};

// Imports `file` into a new case `key` and returns the result's export.
std::string reimport(const HandCase& c, const std::string& file, const std::string& key,
                     const std::string& format) {
  c.ok({"case", "new", key, "--title", "reimport", "--tz", "Europe/Berlin"});
  const auto r = c.run({"import", "--case", key, file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);  // 3 would be a partial import
  return c.export_as(format, {}, key);
}

std::string blank_context_csv(const std::string& text, bool with_fingerprint) {
  auto rows = parse_csv(text);
  std::string out;
  for (auto& row : rows) {
    REQUIRE(row.size() == csv::k_columns.size());
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string name(csv::k_columns[i]);
      const bool context = std::find(k_context.begin(), k_context.end(), name) != k_context.end() ||
                           (name == "fingerprint" && !with_fingerprint);
      if (context && &row != &rows.front()) row[i] = "<context>";
      out += row[i] + "\x1f";
    }
    out += "\n";
  }
  return out;
}

nlohmann::json blank_context_json(nlohmann::json j, bool with_fingerprint) {
  for (const auto& key : k_context) j.erase(key);
  if (!with_fingerprint) j.erase("fingerprint");
  return j;
}

nlohmann::json blank_context_ecs(nlohmann::json d, bool with_fingerprint) {
  auto& ext = d.at("casetrail");
  for (const auto& key : k_context) ext.erase(key);
  if (!with_fingerprint) ext.erase("fingerprint");
  for (const char* key : {"id", "created", "sequence"}) d.at("event").erase(key);
  d.erase("message");  // "#3 unverified ...": number and status
  return d;
}

}  // namespace

TEST_CASE("csv -> import -> csv gives the same content, twice over", "[export]") {
  HandCase c;
  const auto a = c.export_as("csv");
  casetrail::test::write_file(c.dir / "a.csv", a);
  const auto b = reimport(c, (c.dir / "a.csv").string(), "IR-B", "csv");
  CHECK(blank_context_csv(b, false) == blank_context_csv(a, false));
  // The formula-looking values came back exactly (the apostrophe undone).
  CHECK(c.export_as("jsonl", {"--technique", "T1059.001"}, "IR-B").find(
            nlohmann::json(casetrail::test::k_formula_cmd).dump()) != std::string::npos);
  const auto note = json_lines(c.export_as("jsonl", {}, "IR-B")).at(2).at("note");
  CHECK(note == "-1+1 looks like a formula too");
  casetrail::test::write_file(c.dir / "b.csv", b);
  const auto second = reimport(c, (c.dir / "b.csv").string(), "IR-C", "csv");
  CHECK(blank_context_csv(second, true) == blank_context_csv(b, true));
  // Importing the same file again adds nothing.
  const auto again = c.run({"import", "--case", "IR-C", (c.dir / "b.csv").string()});
  CHECK(again.exit_code == 0);
  CHECK(json_lines(c.export_as("jsonl", {}, "IR-C")).size() == 6);
}

TEST_CASE("jsonl -> import -> jsonl gives the same content, exact bytes included", "[export]") {
  HandCase c;
  const auto a = c.export_as("jsonl");
  casetrail::test::write_file(c.dir / "a.jsonl", a);
  const auto b = reimport(c, (c.dir / "a.jsonl").string(), "IR-B", "jsonl");
  const auto left = json_lines(a);
  const auto right = json_lines(b);
  REQUIRE(left.size() == right.size());
  for (std::size_t i = 0; i < left.size(); ++i) {
    INFO("record " << i);
    CHECK(blank_context_json(right[i], false).dump() == blank_context_json(left[i], false).dump());
  }
  CHECK(right.at(4).at("command_line_base64") == left.at(4).at("command_line_base64"));
  casetrail::test::write_file(c.dir / "b.jsonl", b);
  const auto second = json_lines(reimport(c, (c.dir / "b.jsonl").string(), "IR-C", "jsonl"));
  for (std::size_t i = 0; i < right.size(); ++i) {
    CHECK(blank_context_json(second.at(i), true).dump() == blank_context_json(right[i], true).dump());
  }
}

TEST_CASE("ecs -> import -> ecs gives the same content", "[export]") {
  HandCase c;
  const auto a = c.export_as("ecs");
  casetrail::test::write_file(c.dir / "a.ndjson", a);
  const auto b = reimport(c, (c.dir / "a.ndjson").string(), "IR-B", "ecs");
  const auto left = json_lines(a);
  const auto right = json_lines(b);
  REQUIRE(left.size() == right.size());
  for (std::size_t i = 0; i < left.size(); ++i) {
    INFO("record " << i);
    CHECK(blank_context_ecs(right[i], false).dump() == blank_context_ecs(left[i], false).dump());
  }
}

TEST_CASE("an import of a damaged own export names the column and the value", "[export]") {
  HandCase c;
  auto text = c.export_as("csv");
  // Row 2's pid (6244) made into text.
  const auto at = text.find(",6244,");
  REQUIRE(at != std::string::npos);
  text.replace(at, 6, ",62x4,");
  casetrail::test::write_file(c.dir / "bad.csv", text);
  c.ok({"case", "new", "IR-B", "--title", "b"});
  const auto r = c.run({"import", "--case", "IR-B", (c.dir / "bad.csv").string()});
  CHECK(r.exit_code == 3);  // partial: the good rows are in, the bad one is reported
  CHECK(r.err.find("column pid: expected an integer, got \"62x4\"") != std::string::npos);
  CHECK(json_lines(c.export_as("jsonl", {}, "IR-B")).size() == 5);
}
