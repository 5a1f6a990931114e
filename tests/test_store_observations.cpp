#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/store/case_store.hpp"
#include "core/store/import_store.hpp"
#include "core/store/observation_store.hpp"
#include "tests/support/test_support.hpp"

using namespace casetrail;

namespace {

time::UtcTime at_us(std::int64_t us) { return time::UtcTime(time::Micros(us)); }

model::NewObservation process_observation(std::int64_t us, std::string host, std::string cmd) {
  model::NewObservation o;
  o.kind = model::Kind::process;
  o.observed.utc = at_us(us);
  o.observed.original = "test";
  o.time_source = "manual";
  o.host = std::move(host);
  o.source.name = "manual";
  model::ProcessDetails p;
  p.command_line = std::move(cmd);
  p.image = "C:\\Windows\\System32\\CMD.EXE";
  p.pid = 4242;
  o.process = p;
  return o;
}

struct Fixture {
  test::TempDir dir;
  store::Database db = store::Database::open((dir / "case.db").string());
  model::CaseRecord c = store::create_case(db, {"IR-1", "test", model::Severity::high, {}, {},
                                                "tester", at_us(0)});
  store::AppendContext ctx{"tester", at_us(1)};
};

}  // namespace

TEST_CASE("appended observations are numbered per case in order", "[store]") {
  Fixture f;
  auto other = store::create_case(f.db, {"IR-2", "other", model::Severity::low, {}, {}, "t", at_us(0)});
  auto r1 = store::append_observations(f.db, f.c.id, {process_observation(10, "WS1", "a"),
                                                      process_observation(5, "WS1", "b")}, f.ctx);
  auto r2 = store::append_observations(f.db, other.id, {process_observation(1, "WS1", "c")}, f.ctx);
  auto r3 = store::append_observations(f.db, f.c.id, {process_observation(7, "ws1", "d")}, f.ctx);
  CHECK(r1.numbers == std::vector<std::int64_t>{1, 2});
  CHECK(r2.numbers == std::vector<std::int64_t>{1});
  CHECK(r3.numbers == std::vector<std::int64_t>{3});
  std::vector<std::int64_t> order;
  store::for_each_observation(f.db, f.c.id, {}, [&](const model::ObservationRecord& r) {
    order.push_back(r.number);
  });
  CHECK(order == std::vector<std::int64_t>{2, 3, 1});
}

TEST_CASE("command lines and raw records come back byte for byte", "[store]") {
  Fixture f;
  static const char literal[] = "cmd.exe /c \"echo \xff\xfe\" \x00 tail \xe2\x82\xac";
  const std::string cmd(literal, sizeof literal - 1);
  auto o = process_observation(1, "WS1", cmd);
  o.process->parent_command_line = std::string("parent\0x", 8);
  o.process->args = std::vector<std::string>{"cmd.exe", std::string("\xff\x00", 2)};
  o.raw = std::string(5000, 'r') + std::string("\x00\xff", 2);  // compressed on the way in
  auto result = store::append_observations(f.db, f.c.id, {o}, f.ctx);
  auto r = store::require_observation(f.db, f.c.id, "IR-1", result.numbers[0]);
  REQUIRE(r.process);
  CHECK(*r.process->command_line == cmd);
  CHECK(*r.process->parent_command_line == std::string("parent\0x", 8));
  CHECK(*r.process->args == std::vector<std::string>{"cmd.exe", std::string("\xff\x00", 2)});
  CHECK(*r.raw == *o.raw);
  CHECK(r.host == "ws1");
  CHECK(r.host_observed == "WS1");
}

TEST_CASE("an observation with a fingerprint already in the case is not added twice", "[store]") {
  Fixture f;
  auto o = process_observation(1, "WS1", "x");
  o.source.fingerprint = "abc";
  auto first = store::append_observations(f.db, f.c.id, {o, o}, f.ctx);
  CHECK(first.inserted == 1);
  CHECK(first.already_present == 1);
  auto second = store::append_observations(f.db, f.c.id, {o}, f.ctx);
  CHECK(second.inserted == 0);
  CHECK(second.already_present == 1);
  CHECK(second.numbers == std::vector<std::int64_t>{0});
}

TEST_CASE("a status change is an audit entry with who, when, old, new and why", "[store]") {
  Fixture f;
  store::append_observations(f.db, f.c.id, {process_observation(1, "WS1", "x")}, f.ctx);
  auto previous = store::change_status(f.db, f.c.id, "IR-1", 1, model::Status::verified,
                                       "seen in EDR", "alice", at_us(99));
  CHECK(previous == model::Status::unverified);
  store::change_status(f.db, f.c.id, "IR-1", 1, model::Status::benign, "admin job", "bob", at_us(100));
  auto r = store::require_observation(f.db, f.c.id, "IR-1", 1);
  CHECK(r.status == model::Status::benign);
  REQUIRE(r.history.size() == 2);
  CHECK(r.history[0].old_value == "unverified");
  CHECK(r.history[0].new_value == "verified");
  CHECK(r.history[0].reason == "seen in EDR");
  CHECK(r.history[0].analyst == "alice");
  CHECK(r.history[0].at == at_us(99));
  CHECK(r.history[1].old_value == "verified");
  CHECK(r.history[1].new_value == "benign");
  CHECK_THROWS_WITH(store::change_status(f.db, f.c.id, "IR-1", 1, model::Status::benign, "again",
                                         "bob", at_us(101)),
                    "observation #1 is already benign");
  CHECK_THROWS_WITH(store::change_status(f.db, f.c.id, "IR-1", 9, model::Status::benign, "x", "bob",
                                         at_us(101)),
                    "no observation #9 in case \"IR-1\"");
}

TEST_CASE("filters select by time, host, status and technique family", "[store]") {
  Fixture f;
  auto a = process_observation(100, "WS1", "a");
  a.techniques = {"T1059.001"};
  auto b = process_observation(200, "WS2.corp.local", "b");
  b.techniques = {"T1059"};
  auto c = process_observation(300, "ws1", "c");
  c.techniques = {"T1105"};
  store::append_observations(f.db, f.c.id, {a, b, c}, f.ctx);
  store::change_status(f.db, f.c.id, "IR-1", 3, model::Status::verified, "r", "t", at_us(1));
  auto numbers = [&](const store::ObservationFilter& filter) {
    std::vector<std::int64_t> out;
    store::for_each_observation(f.db, f.c.id, filter,
                                [&](const model::ObservationRecord& r) { out.push_back(r.number); });
    return out;
  };
  store::ObservationFilter window;
  window.from = at_us(100);
  window.to = at_us(200);
  CHECK(numbers(window) == std::vector<std::int64_t>{1, 2});
  store::ObservationFilter host;
  host.host = "ws1";
  CHECK(numbers(host) == std::vector<std::int64_t>{1, 3});
  store::ObservationFilter technique;
  technique.technique = "T1059";
  CHECK(numbers(technique) == std::vector<std::int64_t>{1, 2});
  store::ObservationFilter verified;
  verified.status = model::Status::verified;
  CHECK(numbers(verified) == std::vector<std::int64_t>{3});
  store::ObservationFilter unverified;
  unverified.status = model::Status::unverified;
  CHECK(numbers(unverified) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("a failed append writes nothing", "[store]") {
  Fixture f;
  auto good = process_observation(1, "WS1", "ok");
  auto bad = process_observation(2, "WS1", "bad");
  bad.techniques = {"not-a-technique"};  // refused by the CHECK constraint
  CHECK_THROWS_AS(store::append_observations(f.db, f.c.id, {good, bad}, f.ctx), Error);
  CHECK(store::for_each_observation(f.db, f.c.id, {}, [](const auto&) {}) == 0);
}

TEST_CASE("pooled statements come back reset and unbound, and nested use gets its own", "[store]") {
  Fixture f;
  store::append_observations(f.db, f.c.id,
                             {process_observation(10, "WS1", "a"), process_observation(20, "WS1", "b")},
                             f.ctx);
  const std::string sql = "SELECT number FROM observation WHERE case_id = ? ORDER BY number";
  SQLite::Statement* first = nullptr;
  {
    auto outer = f.db.prepare(sql);
    first = &*outer;
    outer->bind(1, static_cast<std::int64_t>(f.c.id));
    REQUIRE(outer->executeStep());
    CHECK(outer->getColumn(0).getInt64() == 1);
    // The same text while the first is still stepping: a second statement.
    auto inner = f.db.prepare(sql);
    CHECK(&*inner != first);
    inner->bind(1, static_cast<std::int64_t>(f.c.id));
    REQUIRE(inner->executeStep());
    CHECK(inner->getColumn(0).getInt64() == 1);
    REQUIRE(outer->executeStep());
    CHECK(outer->getColumn(0).getInt64() == 2);
  }
  // Back in the pool: the same statement again, from the start, with no
  // binding left over (an unbound case id matches nothing).
  auto again = f.db.prepare(sql);
  CHECK(&*again == first);
  CHECK_FALSE(again->executeStep());
  again->reset();
  again->bind(1, static_cast<std::int64_t>(f.c.id));
  CHECK(again->executeStep());
}

TEST_CASE("a reader that leaves the raw record out gets everything else", "[store]") {
  Fixture f;
  auto o = process_observation(10, "WS1", "cmd /c whoami");
  o.raw = std::string(5000, 'x') + "{\"EventID\":1}";  // long enough to be stored compressed
  store::append_observations(f.db, f.c.id, {o}, f.ctx);
  std::vector<model::ObservationRecord> with_raw;
  store::for_each_observation(f.db, f.c.id, {},
                              [&](const model::ObservationRecord& r) { with_raw.push_back(r); });
  store::ObservationFilter lean;
  lean.raw = false;
  std::vector<model::ObservationRecord> without;
  store::for_each_observation(f.db, f.c.id, lean,
                              [&](const model::ObservationRecord& r) { without.push_back(r); });
  REQUIRE(with_raw.size() == 1);
  REQUIRE(without.size() == 1);
  CHECK(with_raw[0].raw == o.raw);
  CHECK_FALSE(without[0].raw);
  CHECK(without[0].process->command_line == std::string("cmd /c whoami"));
  CHECK(without[0].number == with_raw[0].number);
}

TEST_CASE("an import's batches commit at synchronous NORMAL, and FULL is back after", "[store]") {
  Fixture f;
  auto level = [&] { return f.db.connection().execAndGet("PRAGMA synchronous").getInt(); };
  constexpr int normal = 1;
  constexpr int full = 2;
  CHECK(level() == full);
  {
    store::RelaxedBatchSync relaxed(f.db);
    CHECK(level() == normal);
    store::append_observations(f.db, f.c.id, {process_observation(10, "WS1", "a")}, f.ctx);
  }
  CHECK(level() == full);
  // Also when the batch in between fails.
  try {
    store::RelaxedBatchSync relaxed(f.db);
    throw std::runtime_error("batch failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(level() == full);
}
