#pragma once
// Hand-built cases for the correlate tests, logged through the CLI in
// process (`casetrail log`), and helpers to read correlate's JSON.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_support.hpp"

namespace casetrail::test {

class LoggedCase {
 public:
  explicit LoggedCase(std::string key, std::vector<std::string> create_options = {})
      : m_key(std::move(key)) {
    std::vector<std::string> args = {"--db", m_db, "case", "new", m_key, "--title", "test"};
    args.insert(args.end(), create_options.begin(), create_options.end());
    REQUIRE(run_cli(args).exit_code == 0);
  }

  // Logs one observation; returns its number.
  long long log(const std::vector<std::string>& options) {
    std::vector<std::string> args = {"--db", m_db, "--json", "log", "--case", m_key};
    args.insert(args.end(), options.begin(), options.end());
    const auto r = run_cli(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at("number").get<long long>();
  }

  CliResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> full = {"--db", m_db};
    full.insert(full.end(), args.begin(), args.end());
    return run_cli(full);
  }

  // `correlate --json --case KEY ARGS...`, parsed; fails the test on an error.
  nlohmann::json correlate(const std::vector<std::string>& args) const {
    std::vector<std::string> full = {"--json", "correlate", "--case", m_key};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = run(full);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }

  const std::string& key() const { return m_key; }
  const std::string& db() const { return m_db; }

 private:
  TempDir m_dir;
  std::string m_db = (m_dir / "case.db").string();
  std::string m_key;
};

// The numbers of the results, in order (0 for a synthetic process).
inline std::vector<long long> numbers(const nlohmann::json& correlation) {
  std::vector<long long> out;
  for (const auto& r : correlation.at("results")) {
    out.push_back(r.at("number").is_null() ? 0 : r.at("number").get<long long>());
  }
  return out;
}

// The reasons of result #number, as their texts.
inline std::vector<std::string> reasons_of(const nlohmann::json& correlation, long long number) {
  for (const auto& r : correlation.at("results")) {
    if (!r.at("number").is_null() && r.at("number").get<long long>() == number) {
      std::vector<std::string> out;
      for (const auto& reason : r.at("reasons")) out.push_back(reason.at("text"));
      return out;
    }
  }
  FAIL("no result #" << number);
  return {};
}

}  // namespace casetrail::test
