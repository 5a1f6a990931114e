// Raw Linux auditd logs: record splitting, event grouping, executions and
// logons, on fixtures written for these tests and on the OTRF sample.

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/auditd_record.hpp"
#include "core/ingest/fingerprint.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/time/time.hpp"
#include "tests/support/test_support.hpp"

using casetrail::Error;
using casetrail::ErrorCode;
using casetrail::ingest::AuditField;
using casetrail::ingest::decode_audit_string;
using casetrail::ingest::make_auditd_reader;
using casetrail::ingest::parse_audit_record;
using casetrail::ingest::ReadItem;
using casetrail::ingest::ReaderOptions;
using casetrail::model::Kind;
using Args = std::vector<std::string>;
using Attrs = std::vector<std::pair<std::string, std::string>>;

namespace {

std::string fixture(const std::string& name) {
  return std::string(CASETRAIL_FIXTURES_DIR) + "/ingest_native/auditd/" + name;
}

std::vector<ReadItem> read_fixture(const std::string& name, std::optional<std::string> host) {
  ReaderOptions options;
  options.display_path = name;
  options.host = std::move(host);
  auto reader = make_auditd_reader(fixture(name), options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  return items;
}

std::vector<ReadItem> read_text(const std::string& text, std::optional<std::string> host = "h1") {
  ReaderOptions options;
  options.host = std::move(host);
  auto reader =
      make_auditd_reader(std::make_unique<std::istringstream>(text), "audit.log", options);
  std::vector<ReadItem> items;
  while (auto item = reader->next()) items.push_back(std::move(*item));
  return items;
}

std::string syscall_line(const std::string& stamp, const std::string& pid,
                         const std::string& extra = "") {
  return "type=SYSCALL msg=audit(" + stamp +
         "): arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=" + pid +
         " auid=1000 uid=1000 euid=1000 tty=pts0 ses=3 comm=\"x\" exe=\"/usr/bin/x\" key=(null)" +
         extra;
}

// The one item, which must be an observation (by value: callers pass a temporary).
ReadItem only_observation(std::vector<ReadItem> items) {
  REQUIRE(items.size() == 1);
  INFO(items[0].reason);
  REQUIRE(items[0].type == ReadItem::Type::observation);
  return std::move(items[0]);
}

}  // namespace

TEST_CASE("the OTRF dd sample with --host is one execution of /bin/dd with its exact fields",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, "datasets/otrf/sh_binary_padding_dd_2020-11-10081941.auditd.log");
  ReaderOptions options;
  options.display_path = "dd.auditd.log";
  options.host = "wardog-vm";
  auto reader = make_auditd_reader(sample.string(), options);
  auto item = reader->next();
  REQUIRE(item);
  CHECK_FALSE(reader->next());
  CHECK(reader->bytes_read() == std::filesystem::file_size(sample));

  REQUIRE(item->type == ReadItem::Type::observation);
  CHECK(item->place == "dd.auditd.log:1 (serial 93777)");
  std::string file = casetrail::test::read_file(sample);
  file.pop_back();  // the final newline ends the last line; raw holds the lines
  CHECK(item->raw == file);

  const auto& obs = *item->observation;
  CHECK(obs.kind == Kind::process);
  CHECK(casetrail::time::format_utc(obs.observed.utc) == "2020-11-10T08:19:44.965000Z");
  CHECK(obs.observed.fraction_digits == 3);
  CHECK(obs.observed.form == casetrail::time::TimeForm::epoch);
  CHECK(obs.observed.original == "1604996384.965");
  CHECK(obs.time_source == "auditd epoch");
  CHECK(obs.host == "wardog-vm");
  CHECK(obs.host_platform == std::optional<std::string>("linux"));
  CHECK(obs.account == std::optional<std::string>("1000"));
  CHECK(obs.account_sid == std::optional<std::string>("1000"));
  CHECK(obs.source.name == "auditd EXECVE");
  CHECK(obs.source.ref == std::optional<std::string>("audit 93777"));
  CHECK(obs.source.fingerprint->size() == casetrail::ingest::k_fingerprint_bytes);
  CHECK(obs.raw == std::optional<std::string>(file));
  REQUIRE(obs.process);
  const auto& p = *obs.process;
  CHECK(p.image == std::optional<std::string>("/bin/dd"));
  CHECK(p.args == std::optional<Args>(Args{"dd", "if=/dev/zero", "bs=1", "count=1"}));
  CHECK(p.args_source == std::optional<std::string>("source"));
  CHECK(p.command_line == std::optional<std::string>("dd if=/dev/zero bs=1 count=1"));
  CHECK(p.pid == std::optional<std::int64_t>(2168));
  CHECK(p.parent_pid == std::optional<std::int64_t>(29002));
  CHECK(p.cwd == std::optional<std::string>("/home/wardog"));
  CHECK(p.logon_id == std::optional<std::string>("0x68"));
  CHECK(p.user == std::optional<std::string>("1000"));
  CHECK(obs.attrs == Attrs{{"auid", "1000"},
                           {"uid", "1000"},
                           {"euid", "1000"},
                           {"tty", "pts0"},
                           {"session", "104"},
                           {"comm", "dd"},
                           {"syscall", "execve"},
                           {"proctitle", "dd if=/dev/zero bs=1 count=1"}});
}

TEST_CASE("without node= and without --host an execution is rejected with the reason",
          "[ingest]") {
  CASETRAIL_SHARED_FILE(sample, "datasets/otrf/sh_binary_padding_dd_2020-11-10081941.auditd.log");
  ReaderOptions options;
  options.display_path = "dd.auditd.log";
  auto reader = make_auditd_reader(sample.string(), options);
  auto item = reader->next();
  REQUIRE(item);
  CHECK(item->type == ReadItem::Type::rejected);
  CHECK(item->place == "dd.auditd.log:1 (serial 93777)");
  CHECK(item->reason == "auditd record has no node= and no --host was given");
  CHECK(item->raw.size() == std::filesystem::file_size(sample) - 1);
  CHECK_FALSE(reader->next());
}

TEST_CASE("the fingerprint depends on host, stamp and content and is stable", "[ingest]") {
  const std::string text = syscall_line("1700000000.000:1", "10") +
                           "\ntype=EXECVE msg=audit(1700000000.000:1): argc=1 a0=\"x\"\n";
  const auto a = *only_observation(read_text(text, "h1")).observation->source.fingerprint;
  const auto again = *only_observation(read_text(text, "h1")).observation->source.fingerprint;
  const auto other_host = *only_observation(read_text(text, "h2")).observation->source.fingerprint;
  std::string changed = text;
  changed.replace(changed.find("a0=\"x\""), 6, "a0=\"y\"");
  const auto other_content =
      *only_observation(read_text(changed, "h1")).observation->source.fingerprint;
  CHECK(a == again);
  CHECK(a != other_host);
  CHECK(a != other_content);
}

TEST_CASE("hex-encoded exe, comm, cwd, arguments and proctitle are decoded", "[ingest]") {
  const auto item = only_observation(read_fixture("hex_args.log", std::nullopt));
  CHECK(item.place == "hex_args.log:1 (serial 5001)");
  const auto& obs = *item.observation;
  CHECK(obs.host == "web01");
  CHECK(obs.account == std::optional<std::string>("1001"));
  const auto& p = *obs.process;
  CHECK(p.image == std::optional<std::string>("/opt/my tools/my tool"));
  CHECK(p.args == std::optional<Args>(Args{"my tool", "-c", "echo \"hi there\"", "tab\there"}));
  CHECK(p.command_line == std::optional<std::string>("my tool -c echo \"hi there\" tab\there"));
  CHECK(p.cwd == std::optional<std::string>("/home/alice/my dir"));
  CHECK(p.user == std::optional<std::string>("0"));
  CHECK(obs.attrs == Attrs{{"auid", "1001"},
                           {"uid", "0"},
                           {"euid", "0"},
                           {"tty", "pts1"},
                           {"session", "7"},
                           {"comm", "my tool"},
                           {"key", "exec-watch"},
                           {"syscall", "execve"},
                           {"proctitle", "my tool -c echo \"hi there\" tab\there"}});
}

TEST_CASE("long arguments split into aN[i] pieces are joined across EXECVE records", "[ingest]") {
  const auto item = only_observation(read_fixture("split_args.log", "lab1"));
  const auto& p = *item.observation->process;
  REQUIRE(p.args);
  REQUIRE(p.args->size() == 4);
  CHECK((*p.args)[0] == "python3");
  CHECK((*p.args)[1] ==
        std::string(7000, 'A') + " " + std::string(7999, 'B') + "\"" + std::string(4999, 'C'));
  CHECK((*p.args)[2] == std::string(9000, 'x'));
  CHECK((*p.args)[3] == "end");
  CHECK(p.command_line->size() == 7 + 1 + 20000 + 1 + 9000 + 1 + 3);
  CHECK(p.cwd == std::optional<std::string>("/tmp"));
}

TEST_CASE("a split argument whose pieces do not add up is rejected with the reason", "[ingest]") {
  const std::string stamp = "1700000000.000:2";
  auto reason = [&](const std::string& execve) {
    const auto items =
        read_text(syscall_line(stamp, "10") + "\ntype=EXECVE msg=audit(" + stamp + "): " + execve);
    REQUIRE(items.size() == 1);
    return items[0].type == ReadItem::Type::rejected ? items[0].reason : "not rejected";
  };
  CHECK(reason("argc=2 a0=\"x\" a1_len=10 a1[0]=\"abc\"") ==
        "EXECVE a1_len=10 but its pieces hold 3 bytes");
  CHECK(reason("argc=2 a0=\"x\" a1_len=6 a1[0]=\"abc\" a1[2]=\"def\"") == "EXECVE a1[1] is missing");
  CHECK(reason("argc=3 a0=\"x\" a1=\"y\"") == "EXECVE argc=3 but a2 is missing");
  CHECK(reason("a0=\"x\"") == "EXECVE has no argc");
  CHECK(reason("argc=2 a0=\"x\" a1_len=6 a1[0]=616263 a1[1]=646566") == "not rejected");
}

TEST_CASE("records of interleaved events are grouped by their serial", "[ingest]") {
  const auto items = read_fixture("interleaved.log", "lab1");
  REQUIRE(items.size() == 3);
  CHECK(items[0].place == "interleaved.log:1 (serial 7001)");
  CHECK(items[1].place == "interleaved.log:2 (serial 7002)");
  CHECK(items[2].place == "interleaved.log:4 (serial 7003)");
  REQUIRE(items[0].type == ReadItem::Type::observation);
  REQUIRE(items[1].type == ReadItem::Type::observation);
  const auto& id = *items[0].observation->process;
  CHECK(id.image == std::optional<std::string>("/usr/bin/id"));
  CHECK(id.args == std::optional<Args>(Args{"id"}));
  CHECK(id.cwd == std::optional<std::string>("/root"));
  CHECK(id.pid == std::optional<std::int64_t>(201));
  const auto& uname = *items[1].observation->process;
  CHECK(uname.args == std::optional<Args>(Args{"uname", "-a"}));
  CHECK(uname.cwd == std::optional<std::string>("/srv"));
  const std::string file = casetrail::test::read_file(fixture("interleaved.log"));
  std::vector<std::string> lines;
  std::istringstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  CHECK(items[0].raw == lines[0] + "\n" + lines[4] + "\n" + lines[6]);
  CHECK(items[2].type == ReadItem::Type::skipped);
  CHECK(items[2].skipped_source == "auditd CRED_DISP");
  CHECK(items[2].raw == lines[3]);
}

TEST_CASE("an EXECVE without its SYSCALL is rejected and the rest of the file is read",
          "[ingest]") {
  const auto items = read_fixture("missing_syscall.log", "lab1");
  REQUIRE(items.size() == 4);
  // A line that is no record is reported at once; events when they complete.
  CHECK(items[0].type == ReadItem::Type::rejected);
  CHECK(items[0].place == "missing_syscall.log:3");
  CHECK(items[0].reason == "not an auditd record: no type=");
  CHECK(items[0].raw == "this is not an audit record");

  CHECK(items[1].type == ReadItem::Type::rejected);
  CHECK(items[1].place == "missing_syscall.log:1 (serial 8001)");
  CHECK(items[1].reason == "EXECVE without its SYSCALL record (serial 8001): the executable, pid "
                           "and account are unknown");

  // A daemon's execution has no login uid: the uid is the account.
  REQUIRE(items[2].type == ReadItem::Type::observation);
  const auto& daemon = *items[2].observation;
  CHECK(daemon.account == std::optional<std::string>("0"));
  CHECK(daemon.account_sid == std::optional<std::string>("0"));
  CHECK(daemon.process->logon_id == std::nullopt);
  CHECK(daemon.attrs[0] == std::make_pair(std::string("auid"), std::string("4294967295")));

  CHECK(items[3].type == ReadItem::Type::rejected);
  CHECK(items[3].place == "missing_syscall.log:6 (serial 8003)");
  CHECK(items[3].reason == "EXECVE argc=3 but a2 is missing");
}

TEST_CASE("node= names the host, per node, and --host fills in for records without it",
          "[ingest]") {
  const auto items = read_fixture("node.log", "fallback-host");
  REQUIRE(items.size() == 3);
  std::vector<std::string> seen;
  for (const auto& item : items) {
    REQUIRE(item.type == ReadItem::Type::observation);
    seen.push_back(item.observation->host + " " + *item.observation->process->image);
  }
  CHECK(seen == std::vector<std::string>{"db01 /usr/bin/w", "db02 /usr/bin/who",
                                         "fallback-host /usr/bin/date"});
  CHECK(items[0].place == "node.log:1 (serial 9001)");
  CHECK(items[1].place == "node.log:2 (serial 9001)");
  CHECK(items[0].observation->source.fingerprint != items[1].observation->source.fingerprint);
}

TEST_CASE("an empty node= counts as no node", "[ingest]") {
  const std::string text = "node= " + syscall_line("1700000000.000:4", "10") +
                           "\nnode= type=EXECVE msg=audit(1700000000.000:4): argc=1 a0=\"x\"\n";
  CHECK(only_observation(read_text(text, "given-host")).observation->host == "given-host");
  const auto items = read_text(text, std::nullopt);
  REQUIRE(items.size() == 1);
  CHECK(items[0].reason == "auditd record has no node= and no --host was given");
}

TEST_CASE("USER_AUTH and USER_LOGIN become logons, failed ones too, other records are skipped",
          "[ingest]") {
  const auto items = read_fixture("user_login.log", std::nullopt);
  REQUIRE(items.size() == 4);

  REQUIRE(items[0].type == ReadItem::Type::observation);
  const auto& auth = *items[0].observation;
  CHECK(auth.kind == Kind::logon);
  CHECK(auth.source.name == "auditd USER_AUTH");
  CHECK(auth.host == "bastion");
  CHECK(auth.account == std::optional<std::string>("alice"));
  CHECK(auth.account_sid == std::nullopt);
  CHECK(auth.process->image == std::optional<std::string>("/usr/sbin/sshd"));
  CHECK(auth.process->pid == std::optional<std::int64_t>(4100));
  CHECK(auth.attrs == Attrs{{"event", "logon"},
                            {"source_address", "203.0.113.7"},
                            {"terminal", "ssh"},
                            {"op", "PAM:authentication"},
                            {"res", "success"},
                            {"auid", "4294967295"},
                            {"uid", "0"},
                            {"session", "4294967295"}});

  REQUIRE(items[1].type == ReadItem::Type::observation);
  const auto& login = *items[1].observation;
  CHECK(login.source.name == "auditd USER_LOGIN");
  CHECK(login.account == std::optional<std::string>("1001"));
  CHECK(login.account_sid == std::optional<std::string>("1001"));
  CHECK(login.process->logon_id == std::optional<std::string>("0xc"));
  CHECK(casetrail::time::format_utc(login.observed.utc) == "2023-11-14T22:21:40.200000Z");

  CHECK(items[2].type == ReadItem::Type::skipped);
  CHECK(items[2].skipped_source == "auditd CRED_DISP");
  CHECK(items[2].place == "user_login.log:3 (serial 9106)");

  REQUIRE(items[3].type == ReadItem::Type::observation);
  const auto& failed = *items[3].observation;
  CHECK(failed.account == std::optional<std::string>("(invalid user) admin"));
  CHECK(failed.attrs == Attrs{{"event", "logon_failed"},
                              {"source_address", "198.51.100.23"},
                              {"terminal", "sshd"},
                              {"op", "login"},
                              {"res", "failed"},
                              {"auid", "4294967295"},
                              {"uid", "0"},
                              {"session", "4294967295"}});
}

TEST_CASE("enriched logs name the account and the user", "[ingest]") {
  const std::string stamp = "1700000000.000:3";
  const std::string text = syscall_line(stamp, "10") +
                           "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"root\"\n"
                           "type=EXECVE msg=audit(" + stamp + "): argc=1 a0=\"x\"\n";
  const auto item = only_observation(read_text(text));
  const auto& obs = *item.observation;
  CHECK(obs.account == std::optional<std::string>("alice"));
  CHECK(obs.account_sid == std::optional<std::string>("1000"));
  CHECK(obs.process->user == std::optional<std::string>("root"));
}

TEST_CASE("records of one event are joined only while at most 1024 lines lie between them",
          "[ingest]") {
  auto build = [](int between) {
    std::string text = syscall_line("1700000000.000:1", "10") + "\n";
    for (int i = 0; i < between; ++i) {
      text += "type=CRED_DISP msg=audit(1700000001.000:" + std::to_string(100 + i) +
              "): pid=1 uid=0 msg='op=PAM:setcred res=success'\n";
    }
    text += "type=EXECVE msg=audit(1700000000.000:1): argc=1 a0=\"x\"\n";
    return read_text(text);
  };
  auto count = [](const std::vector<ReadItem>& items, ReadItem::Type type) {
    return std::count_if(items.begin(), items.end(), [&](const auto& i) { return i.type == type; });
  };

  const auto near = build(1024);
  CHECK(count(near, ReadItem::Type::observation) == 1);
  CHECK(count(near, ReadItem::Type::skipped) == 1024);
  CHECK(count(near, ReadItem::Type::rejected) == 0);

  const auto far = build(1025);
  CHECK(count(far, ReadItem::Type::observation) == 0);
  CHECK(count(far, ReadItem::Type::skipped) == 1026);  // the SYSCALL alone, and the others
  REQUIRE(count(far, ReadItem::Type::rejected) == 1);
  CHECK(far.back().place == "audit.log:1027 (serial 1)");
  CHECK(far.back().reason.rfind("EXECVE without its SYSCALL record (serial 1)", 0) == 0);
}

TEST_CASE("an EOE record completes its event at once", "[ingest]") {
  const std::string text = syscall_line("1700000000.000:1", "10") + "\n" +
                           syscall_line("1700000000.001:2", "20") + "\n" +
                           "type=EXECVE msg=audit(1700000000.001:2): argc=1 a0=\"b\"\n" +
                           "type=EOE msg=audit(1700000000.001:2): \n" +
                           "type=EXECVE msg=audit(1700000000.000:1): argc=1 a0=\"a\"\n";
  const auto items = read_text(text);
  REQUIRE(items.size() == 2);
  CHECK(items[0].place == "audit.log:2 (serial 2)");
  CHECK(items[0].raw.ends_with("\ntype=EOE msg=audit(1700000000.001:2): "));
  CHECK(items[1].place == "audit.log:1 (serial 1)");
  CHECK(items[1].observation->process->args == std::optional<Args>(Args{"a"}));
}

TEST_CASE("a line without a raw msg=audit stamp is rejected with the reason", "[ingest]") {
  const auto items = read_text(
      "type=SYSCALL msg=audit(11/10/2020 08:19:44.965:93777) : arch=x86_64 syscall=execve\n"
      "type=SYSCALL arch=c000003e\n"
      "msg=audit(1700000000.000:1): arch=c000003e\n"
      "type=USER_LOGIN msg=audit(1700000000.000:9): pid=1 msg='op=login id=5 res=maybe'\n"
      "\n");
  REQUIRE(items.size() == 4);
  CHECK(items[0].place == "audit.log:1");
  CHECK(items[0].reason == "not an auditd record: invalid msg=\"audit(11/10/2020\": expected "
                           "audit(<epoch seconds>.<milliseconds>:<serial>)");
  CHECK(items[1].reason == "not an auditd record: no msg=audit(...)");
  CHECK(items[2].reason == "not an auditd record: no type=");
  CHECK(items[3].place == "audit.log:4 (serial 9)");
  CHECK(items[3].reason == "invalid USER_LOGIN res=\"maybe\": expected success or failed");
}

TEST_CASE("an audit line splits into node, type, stamp and flattened fields", "[ingest]") {
  auto record = parse_audit_record(
      "node=h1 type=USER_CMD msg=audit(1700000000.042:77): pid=9 uid=1000 "
      "msg='cwd=\"/home/a b\" cmd=6C73202D6C exe=\"/usr/bin/sudo\" res=success'\r");
  REQUIRE(record);
  CHECK(record->node == std::optional<std::string>("h1"));
  CHECK(record->type == "USER_CMD");
  CHECK(record->timestamp == "1700000000.042");
  CHECK(record->seconds == 1700000000);
  CHECK(record->milliseconds == 42);
  CHECK(record->serial == 77);
  std::vector<std::string> keys;
  for (const auto& f : record->fields) keys.push_back(f.key);
  CHECK(keys == std::vector<std::string>{"pid", "uid", "cwd", "cmd", "exe", "res"});
  CHECK(record->field("cwd")->value == "/home/a b");
  CHECK(record->field("cwd")->quoted);
  CHECK(decode_audit_string(*record->field("cmd")) == "ls -l");
  CHECK(record->field("res")->value == "success");
}

TEST_CASE("only unquoted hex is decoded", "[ingest]") {
  CHECK(decode_audit_string(AuditField{"a0", "41", true}) == "41");
  CHECK(decode_audit_string(AuditField{"a0", "41", false}) == "A");
  CHECK(decode_audit_string(AuditField{"a0", "(null)", false}) == "(null)");
  CHECK(decode_audit_string(AuditField{"a0", "414", false}) == "414");
  CHECK(decode_audit_string(AuditField{"a0", "?", false}) == "?");
  CHECK(decode_audit_string(AuditField{"a0", "6100620A", false}) == std::string("a\0b\n", 4));
}

TEST_CASE("a missing auditd file is an io error naming it", "[ingest]") {
  ReaderOptions options;
  options.display_path = "audit.log";
  try {
    make_auditd_reader(fixture("does-not-exist.log"), options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) == "cannot open \"audit.log\"");
  }
}
