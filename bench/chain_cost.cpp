// bench/chain_cost: what the hash chain costs, measured against the same
// work without it (store::ChainMode::off, which only this program uses), in
// the same run, on the same synthetic Sysmon process events:
//   1. log latency: one observation per IMMEDIATE transaction, as `casetrail
//      log` writes it (synchronous=FULL: one fsync per commit);
//   2. bulk append throughput: batches of observations per transaction, as an
//      import writes them (its reading thread has compressed each raw record
//      and digested it for the chain; its writing thread, timed here, inserts);
//   3. verify: a case of N observations (default 1,000,000) chained, written
//      to disk (sync), then verified from scratch.
// On and off runs alternate (into two database files) so that both see the
// same machine load. Only the store calls are timed, never building inputs.
//
// Usage: chain_cost [--dir DIR] [--logs N] [--bulk N] [--batch N] [--records N]
//                   [--keep]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/error.hpp"
#include "core/integrity/chain.hpp"
#include "core/integrity/verify.hpp"
#include "core/store/case_store.hpp"
#include "core/store/custody_store.hpp"
#include "core/store/import_store.hpp"
#include "core/store/observation_store.hpp"
#include "core/util/encoding.hpp"

using namespace casetrail;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "casetrail-chain-cost";
  int logs = 300;
  int bulk = 100000;
  int batch = 4096;  // the import's batch (ingest::Settings::batch_size)
  int records = 1000000;
  bool keep = false;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Deterministic synthetic Sysmon event 1 records: realistic sizes (a raw
// JSON record of about 2.3 KB, stored zstd-compressed), 50 hosts, 200
// accounts, varied command lines, two techniques, a fingerprint each.
class Generator {
public:
  explicit Generator(std::int64_t import_run) : m_import_run(import_run) {}

  model::NewObservation next() {
    const std::int64_t i = m_index++;
    std::uniform_int_distribution<int> host(0, 49), account(0, 199), pid(100, 65000);
    const std::string h = "WS" + std::to_string(host(m_random)) + ".corp.example";
    const std::string a = "CORP\\user" + std::to_string(account(m_random));
    const int p = pid(m_random);
    const std::string cmd = "powershell.exe -NoProfile -ExecutionPolicy Bypass -Command \"Get-Item "
                            "C:\\Users\\user" + std::to_string(i % 997) + "\\AppData\\Local\\Temp\\" +
                            util::sha256_hex(std::to_string(i)).substr(0, 16) + ".ps1 | Invoke-" +
                            std::to_string(i % 13) + "\"";
    model::NewObservation o;
    o.kind = model::Kind::process;
    o.observed.utc = time::UtcTime(time::Micros(1764511200000000LL + i * 1000003LL));
    o.observed.original = time::format_utc(o.observed.utc);
    o.observed.fraction_digits = 3;
    o.time_source = "Sysmon UtcTime";
    o.host = h;
    o.host_platform = "windows";
    o.account = a;
    o.techniques = {"T1059.001", (i % 3 == 0) ? "T1027" : "T1105"};
    o.attack_release = "16.1";
    o.source.name = "Sysmon 1";
    o.source.ref = "events.jsonl:" + std::to_string(i + 1);
    o.source.import_run_id = m_import_run;
    o.source.fingerprint = util::sha256_hex("record " + std::to_string(i)).substr(0, 32);
    o.attrs = {{"rule_name", "technique_id=T1059.001,technique_name=PowerShell"}};
    model::ProcessDetails d;
    d.image = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    d.command_line = cmd;
    d.args = std::vector<std::string>{"powershell.exe", "-NoProfile", "-ExecutionPolicy", "Bypass",
                                      "-Command", cmd.substr(60)};
    d.args_source = "windows";
    d.pid = p;
    d.guid = "{5770385f-c22a-" + std::to_string(1000 + i % 9000) + "-0000-0010" +
             util::sha256_hex(std::to_string(i)).substr(0, 8) + "}";
    d.parent_image = "C:\\Windows\\explorer.exe";
    d.parent_command_line = "C:\\Windows\\Explorer.EXE";
    d.parent_pid = 4242;
    d.parent_guid = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
    d.cwd = "C:\\Users\\user\\";
    d.logon_id = "0x" + std::to_string(100000 + i % 500);
    d.integrity_level = "Medium";
    d.hashes = "SHA256=" + util::sha256_hex(cmd) + ",IMPHASH=" + util::sha256_hex(h).substr(0, 32);
    d.user = a;
    o.process = d;
    std::string raw = R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":")" +
                      h + R"(","EventRecordID":)" + std::to_string(i + 1) + R"(,"UtcTime":")" +
                      o.observed.original + R"(","ProcessGuid":")" + *d.guid +
                      R"(","ProcessId":)" + std::to_string(p) + R"(,"Image":")" + *d.image +
                      R"(","CommandLine":")" + cmd + R"(","CurrentDirectory":")" + *d.cwd +
                      R"(","User":")" + a + R"(","LogonGuid":"{5770385f-c22a-43e0-0000-000000000000}","LogonId":")" +
                      *d.logon_id + R"(","Hashes":")" + *d.hashes + R"(","ParentImage":")" +
                      *d.parent_image + R"(","ParentCommandLine":")" + *d.parent_command_line + R"("})";
    // Pad with the fields a real record carries (FileVersion, Description,
    // Product, Company, OriginalFileName, TerminalSessionId, ...).
    while (raw.size() < 2300) raw += " " + util::sha256_hex(raw.substr(raw.size() - 64)).substr(0, 24);
    // As the import's reading thread hands records to its writing thread:
    // compressed, and digested for the chain (core/ingest/import.cpp,
    // accept). Both modes get the same records.
    o.raw_zstd = util::zstd_compress(raw);
    o.raw_sha256 = std::string(integrity::as_bytes(m_sha256.digest(raw)));
    o.raw = std::move(raw);
    return o;
  }

private:
  std::int64_t m_import_run;
  std::int64_t m_index = 0;
  std::mt19937 m_random{42};
  integrity::Sha256 m_sha256;
};

struct Target {
  std::string path;
  store::Database db;
  model::CaseRecord c;
  std::int64_t run = 0;
};

Target make_target(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  auto db = store::Database::open(path.string());
  const auto now = time::UtcTime(time::Micros(1764511200000000LL));
  auto c = store::create_case(db, {"BENCH-1", "chain cost", model::Severity::high, {}, {}, "bench", now});
  const auto run = store::create_import_run(
      db, c.id, {"events.jsonl", util::sha256_hex("events"), 1, "sysmon-jsonl", "bench", now});
  return {path.string(), std::move(db), c, run};
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

void usage() {
  std::cout << "usage: chain_cost [--dir DIR] [--logs N] [--bulk N] [--batch N] [--records N] [--keep]\n"
               "  --logs N     single-observation appends per mode (default 300; 0 skips it)\n"
               "  --bulk N     observations per mode for the bulk comparison (default 100000; 0 skips it)\n"
               "  --batch N    observations per transaction in bulk appends (default 4096, as the import)\n"
               "  --records N  size of the case verified (default 1000000; 0 skips it)\n"
               "  --keep       keep the database files in DIR\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--dir") {
      opt.dir = value();
    } else if (a == "--logs") {
      opt.logs = std::stoi(value());
    } else if (a == "--bulk") {
      opt.bulk = std::stoi(value());
    } else if (a == "--batch") {
      opt.batch = std::stoi(value());
    } else if (a == "--records") {
      opt.records = std::stoi(value());
    } else if (a == "--keep") {
      opt.keep = true;
    } else {
      usage();
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    std::filesystem::create_directories(opt.dir);
    const store::AppendContext on{"bench", time::UtcTime(time::Micros(1764511200000000LL)),
                                  store::ChainMode::on};
    store::AppendContext off = on;
    off.chain = store::ChainMode::off;

    // 1. log latency.
    if (opt.logs > 0) {
      Target a = make_target(opt.dir / "log-on.db");
      Target b = make_target(opt.dir / "log-off.db");
      Generator g(a.run);  // both files hold import run 1
      std::vector<double> t_on, t_off;
      for (int i = 0; i < opt.logs; ++i) {
        const auto o = g.next();
        for (bool chained : {i % 2 == 0, i % 2 != 0}) {
          Target& t = chained ? a : b;
          const auto start = Clock::now();
          store::append_observations(t.db, t.c.id, {o}, chained ? on : off);
          (chained ? t_on : t_off).push_back(seconds_since(start) * 1e6);
        }
      }
      const double m_on = percentile(t_on, 0.5), m_off = percentile(t_off, 0.5);
      std::printf("log latency, one observation per transaction (%d each): chain on median %.0f us "
                  "(p95 %.0f us), off median %.0f us (p95 %.0f us): overhead %+.1f%%\n",
                  opt.logs, m_on, percentile(t_on, 0.95), m_off, percentile(t_off, 0.95),
                  (m_on / m_off - 1) * 100);
    }

    // 2. bulk append throughput.
    if (opt.bulk > 0) {
      Target a = make_target(opt.dir / "bulk-on.db");
      Target b = make_target(opt.dir / "bulk-off.db");
      // The import's durability while its batches go in (synchronous NORMAL,
      // a larger cache and checkpoint interval), in both files.
      store::RelaxedBatchSync relaxed_a(a.db), relaxed_b(b.db);
      Generator g(a.run);  // both files hold import run 1
      double s_on = 0, s_off = 0;
      int done = 0;
      while (done < opt.bulk) {
        const int n = std::min(opt.batch, opt.bulk - done);
        std::vector<model::NewObservation> batch;
        for (int i = 0; i < n; ++i) batch.push_back(g.next());
        // Alternate which mode goes first, so neither always gets a warm cache.
        const bool on_first = (done / opt.batch) % 2 == 0;
        for (bool chained : {on_first, !on_first}) {
          Target& t = chained ? a : b;
          const auto start = Clock::now();
          store::append_observations(t.db, t.c.id, batch, chained ? on : off);
          (chained ? s_on : s_off) += seconds_since(start);
        }
        done += n;
      }
      std::printf("bulk append, %d observations in transactions of %d: chain on %.0f obs/s, off "
                  "%.0f obs/s: overhead %+.1f%% of the time\n",
                  opt.bulk, opt.batch, opt.bulk / s_on, opt.bulk / s_off, (s_on / s_off - 1) * 100);
    }

    // 3. verify of a large case.
    if (opt.records > 0) {
      Target a = make_target(opt.dir / "verify.db");
      Generator g(a.run);
      double append = 0;
      for (int done = 0; done < opt.records;) {
        const int n = std::min(10000, opt.records - done);
        std::vector<model::NewObservation> batch;
        for (int i = 0; i < n; ++i) batch.push_back(g.next());
        const auto start = Clock::now();
        store::append_observations(a.db, a.c.id, batch, on);
        append += seconds_since(start);
        done += n;
      }
      // A case at rest, as verify usually meets it: the file is on disk
      // before the timing starts, not still being written back by the
      // kernel while verify reads it (untimed).
      ::sync();
      const auto size = std::filesystem::file_size(a.path);
      std::printf("appended %d observations (chain on, transactions of 10000) in %.1f s: %.0f obs/s; "
                  "database %.0f MB\n",
                  opt.records, append, opt.records / append, static_cast<double>(size) / 1e6);
      const auto start = Clock::now();
      const auto report = integrity::verify_case(a.db, "BENCH-1", {});
      const double took = seconds_since(start);
      std::printf("verify of %lld chain records (%lld observations): %.2f s, %s, head %s\n",
                  static_cast<long long>(report.links), static_cast<long long>(report.observations),
                  took, report.intact() ? "intact" : "NOT INTACT",
                  report.head ? integrity::to_hex(*report.head).c_str() : "-");
      if (!report.intact()) return 1;
    }
    if (!opt.keep) std::filesystem::remove_all(opt.dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chain_cost: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
