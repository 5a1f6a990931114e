#include "core/integrity/verify.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/integrity/canonical.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/case_store.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/custody_store.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::integrity {
namespace {

// How far from a record's position verify looks for the link it was chained
// after, when the record is intact but its hash does not follow from the
// link before it. Reordering is local in practice; the bound keeps a chain
// of a million damaged links from costing a million squared hashes.
constexpr std::int64_t k_reorder_window = 1000;

std::string label(RecordKind kind, const std::optional<std::int64_t>& number, std::int64_t seq,
                  std::int64_t record_id) {
  const std::string at = " (chain record " + std::to_string(seq) + ")";
  switch (kind) {
    case RecordKind::case_file: return "the case record" + at;
    case RecordKind::import_run: return "import run " + std::to_string(record_id) + at;
    case RecordKind::observation:
      return "observation #" + std::to_string(number.value_or(0)) + at;
    case RecordKind::audit:
      return (number ? "audit record of observation #" + std::to_string(*number)
                     : std::string("audit record of the case")) +
             at;
  }
  return at;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

struct Failed {
  store::StoredLink link;
  std::optional<std::int64_t> current_number;
  std::string canonical;
  std::string tags;
  Digest prev{};
  Digest stored{};
};

// Threads that live as long as one verify: batches go in through run() and
// come back, in any order, through the future each run() returns.
template <typename Batch>
class Workers {
public:
  using Task = Batch (*)(Batch);

  Workers(std::size_t count, Task task) : m_task(task) {
    for (std::size_t i = 0; i < count; ++i) m_threads.emplace_back([this] { loop(); });
  }
  ~Workers() {
    {
      const std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_ready.notify_all();
    for (std::thread& t : m_threads) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Runs the oldest queued batch on the calling thread; false when none is
  // queued.
  bool run_one() {
    std::pair<Batch, std::promise<Batch>> item;
    {
      const std::lock_guard lock(m_mutex);
      if (m_queue.empty()) return false;
      item = std::move(m_queue.front());
      m_queue.pop_front();
    }
    execute(item);
    return true;
  }

  std::future<Batch> run(Batch batch) {
    std::promise<Batch> promise;
    std::future<Batch> future = promise.get_future();
    {
      const std::lock_guard lock(m_mutex);
      m_queue.emplace_back(std::move(batch), std::move(promise));
    }
    m_ready.notify_one();
    return future;
  }

private:
  // Runs queued batches until stopped; what is queued when the stop comes
  // still runs, so that no future is left without its value.
  void loop() {
    for (;;) {
      std::pair<Batch, std::promise<Batch>> item;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty()) return;
        item = std::move(m_queue.front());
        m_queue.pop_front();
      }
      execute(item);
    }
  }

  void execute(std::pair<Batch, std::promise<Batch>>& item) {
    try {
      item.second.set_value(m_task(std::move(item.first)));
    } catch (...) {
      item.second.set_exception(std::current_exception());
    }
  }

  Task m_task;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::pair<Batch, std::promise<Batch>>> m_queue;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

class Checker : public store::ChainVisitor {
public:
  explicit Checker(std::optional<std::string> expected_head)
      : m_expected_head(std::move(expected_head)) {}

  void link(const store::StoredLink& link, const store::CurrentRecord& record) override {
    ++links;
    switch (link.kind) {
      case RecordKind::case_file: ++case_records; break;
      case RecordKind::import_run: ++import_runs; break;
      case RecordKind::observation: ++observations; break;
      case RecordKind::audit: ++audits; break;
    }
    if (link.seq != m_expected_seq) {
      const std::int64_t last = link.seq - 1;
      problems.push_back({ProblemType::deleted, std::nullopt, m_expected_seq, std::nullopt, {},
                          m_expected_seq == last
                              ? "chain record " + std::to_string(last) + " is missing (deleted)"
                              : "chain records " + std::to_string(m_expected_seq) + " to " +
                                    std::to_string(last) + " are missing (deleted)"});
    }
    m_expected_seq = link.seq + 1;
    if (m_expected_head && link.hash == *m_expected_head) expected_head_seq = link.seq;
    const auto stored = digest_from_bytes(link.hash);
    const Digest stored_or_zero = stored.value_or(Digest{});
    m_stored.emplace_back(link.seq, stored_or_zero);
    head_seq = link.seq;
    head = stored;
    const Digest prev = m_prev;
    m_prev = stored_or_zero;
    if (!record.exists) {
      problems.push_back({ProblemType::deleted, link.kind, link.seq, link.number, {},
                          label(link.kind, link.number, link.seq, link.record_id) + " was deleted"});
      return;
    }
    if (!stored) {
      problems.push_back({ProblemType::rewritten, link.kind, link.seq, link.number, {},
                          label(link.kind, link.number, link.seq, link.record_id) +
                              ": its chain hash is damaged"});
      return;
    }
    // The hashing (and the raw record's decoding) runs on worker threads,
    // batch by batch; batches are collected in chain order. A batch's jobs
    // come back to be filled again, their buffers kept.
    if (m_fill == m_batch.size()) m_batch.emplace_back();
    Job& job = m_batch[m_fill++];
    job.link.seq = link.seq;
    job.link.kind = link.kind;
    job.link.record_id = link.record_id;
    job.link.number = link.number;
    job.link.hash.assign(link.hash);
    job.link.tags.assign(link.tags);
    job.current_number = record.number;
    job.canonical.assign(record.canonical);
    job.digest_at.reset();
    if (record.raw) {
      job.raw.swap(*record.raw->stored);
      job.zstd = record.raw->zstd;
      job.digest_at = record.raw->digest_at;
    }
    job.prev = prev;
    job.stored = *stored;
    if (m_fill == k_batch) submit();
  }

  // Hands the open batch to the workers; beyond m_max_in_flight batches,
  // takes in the oldest first.
  void submit() {
    if (m_fill == 0) return;
    m_batch.resize(m_fill);
    m_in_flight.push_back(m_workers.run(std::move(m_batch)));
    m_fill = 0;
    if (m_spare.empty()) {
      m_batch = {};
      m_batch.reserve(k_batch);
    } else {
      m_batch = std::move(m_spare.back());
      m_spare.pop_back();
    }
    while (m_in_flight.size() > m_max_in_flight) take_oldest();
  }

  // Waits for every batch and takes in its failed records.
  void drain() {
    submit();
    while (!m_in_flight.empty()) take_oldest();
  }

  void unchained(RecordKind kind, std::int64_t record_id,
                 std::optional<std::int64_t> number) override {
    std::string what;
    switch (kind) {
      case RecordKind::case_file: what = "the case record"; break;
      case RecordKind::import_run: what = "import run " + std::to_string(record_id); break;
      case RecordKind::observation: what = "observation #" + std::to_string(number.value_or(0)); break;
      case RecordKind::audit:
        what = (number ? "an audit record of observation #" + std::to_string(*number)
                       : std::string("an audit record of the case")) +
               " (row " + std::to_string(record_id) + ")";
        break;
    }
    m_unchained.push_back({ProblemType::inserted, kind, std::nullopt, number, {},
                           what + " is not in the chain: inserted outside casetrail"});
  }

  // Classifies the failed links, then appends the unchained records.
  void finish() {
    drain();
    std::unordered_map<std::string, std::vector<std::size_t>> by_stored_tags;
    for (std::size_t i = 0; i < m_failed.size(); ++i) {
      by_stored_tags[m_failed[i].link.tags].push_back(i);
    }
    // holds[i] = j: the row of failed link i now holds the record chained at j.
    std::map<std::size_t, std::size_t> holds;
    std::vector<Problem> found;
    std::vector<std::vector<std::string>> fields(m_failed.size());
    std::vector<bool> done(m_failed.size(), false);
    for (std::size_t i = 0; i < m_failed.size(); ++i) {
      const Failed& f = m_failed[i];
      const std::string name = label(f.link.kind, f.link.number, f.link.seq, f.link.record_id);
      if (f.tags == f.link.tags) {
        done[i] = true;
        if (const auto after = chained_after(f)) {
          found.push_back({ProblemType::reordered, f.link.kind, f.link.seq, f.link.number, {},
                           name + " is out of order: it was chained " +
                               (*after == 0 ? std::string("first")
                                            : "right after chain record " + std::to_string(*after))});
        } else {
          found.push_back({ProblemType::rewritten, f.link.kind, f.link.seq, f.link.number, {},
                           name + ": the record is unchanged but its chain hash was rewritten"});
        }
        continue;
      }
      if (auto it = by_stored_tags.find(f.tags); it != by_stored_tags.end()) {
        for (const std::size_t j : it->second) {
          const Failed& other = m_failed[j];
          if (j != i && other.link.kind == f.link.kind &&
              m_sha.link(f.canonical, other.prev) == other.stored) {
            holds[i] = j;
            break;
          }
        }
      }
      if (holds.count(i)) continue;
      const auto& names = field_names(f.link.kind);
      for (std::size_t k = 0; k * 2 + 1 < std::max(f.tags.size(), f.link.tags.size()); ++k) {
        const bool differs = k * 2 + 1 >= f.tags.size() || k * 2 + 1 >= f.link.tags.size() ||
                             f.tags.compare(k * 2, 2, f.link.tags, k * 2, 2) != 0;
        if (differs) fields[i].emplace_back(k < names.size() ? std::string(names[k]) : "field " + std::to_string(k));
      }
    }
    // Observations whose numbers were exchanged (and nothing else).
    std::map<std::size_t, std::size_t> swapped_numbers;
    for (std::size_t i = 0; i < m_failed.size(); ++i) {
      if (done[i] || fields[i] != std::vector<std::string>{"number"}) continue;
      for (std::size_t j = i + 1; j < m_failed.size(); ++j) {
        if (!done[j] && fields[j] == std::vector<std::string>{"number"} &&
            m_failed[i].current_number == m_failed[j].link.number &&
            m_failed[j].current_number == m_failed[i].link.number) {
          swapped_numbers[i] = j;
          swapped_numbers[j] = i;
        }
      }
    }
    for (std::size_t i = 0; i < m_failed.size(); ++i) {
      if (done[i]) continue;
      const Failed& f = m_failed[i];
      const std::string name = label(f.link.kind, f.link.number, f.link.seq, f.link.record_id);
      if (auto h = holds.find(i); h != holds.end()) {
        const Failed& other = m_failed[h->second];
        const std::string other_name =
            label(other.link.kind, other.link.number, other.link.seq, other.link.record_id);
        auto back = holds.find(h->second);
        if (back != holds.end() && back->second == i) {
          if (i < h->second) {
            found.push_back({ProblemType::reordered, f.link.kind, f.link.seq, f.link.number, {},
                             name + " and " + other_name + " were swapped"});
          }
        } else {
          found.push_back({ProblemType::reordered, f.link.kind, f.link.seq, f.link.number, {},
                           name + " was replaced by the record chained as " + other_name});
        }
        continue;
      }
      if (auto s = swapped_numbers.find(i); s != swapped_numbers.end()) {
        if (i < s->second) {
          const Failed& other = m_failed[s->second];
          found.push_back({ProblemType::reordered, f.link.kind, f.link.seq, f.link.number,
                           {"number"},
                           name + " and " +
                               label(other.link.kind, other.link.number, other.link.seq,
                                     other.link.record_id) +
                               " swapped numbers"});
        }
        continue;
      }
      std::string message = name + " was modified: ";
      if (fields[i].empty()) {
        message += "the changed field cannot be named";
      } else {
        message += join(fields[i]);
      }
      if (f.link.kind == RecordKind::observation && f.current_number != f.link.number) {
        message += " (now numbered #" + std::to_string(f.current_number.value_or(0)) + ")";
      }
      found.push_back({ProblemType::modified, f.link.kind, f.link.seq, f.link.number, fields[i],
                       message});
    }
    problems.insert(problems.end(), found.begin(), found.end());
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return a.seq.value_or(0) < b.seq.value_or(0);
    });
    problems.insert(problems.end(), m_unchained.begin(), m_unchained.end());
  }

  std::int64_t links = 0;
  std::int64_t case_records = 0;
  std::int64_t import_runs = 0;
  std::int64_t observations = 0;
  std::int64_t audits = 0;
  std::int64_t head_seq = 0;
  std::optional<Digest> head;
  std::optional<std::int64_t> expected_head_seq;
  std::vector<Problem> problems;

private:
  struct Job {
    store::StoredLink link;
    std::optional<std::int64_t> current_number;
    std::string canonical;
    std::string raw;  // the raw record as stored, when its digest was deferred
    bool zstd = false;
    std::optional<std::size_t> digest_at;
    Digest prev{};
    Digest stored{};
    bool intact = false;
  };

  static constexpr std::size_t k_batch = 256;

  // On a worker: completes each record's serialisation with its raw
  // record's digest and checks its chain hash.
  static std::vector<Job> check_batch(std::vector<Job> jobs) {
    Sha256 sha;
    std::string decoded;
    for (Job& job : jobs) {
      if (job.digest_at) {
        const Digest raw = store::stored_raw_digest(sha, job.raw, job.zstd, decoded);
        std::copy(raw.begin(), raw.end(), job.canonical.begin() + static_cast<std::ptrdiff_t>(*job.digest_at));
      }
      job.intact = sha.link(job.canonical, job.prev) == job.stored;
    }
    return jobs;
  }

  // Takes in the oldest batch in flight once it is done; until then this
  // thread checks queued batches itself rather than wait.
  void take_oldest() {
    while (m_in_flight.front().wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
           m_workers.run_one()) {
    }
    collect_oldest();
  }

  void collect_oldest() {
    std::vector<Job> done = m_in_flight.front().get();
    m_in_flight.pop_front();
    for (Job& job : done) {
      if (job.intact) continue;
      std::string tags = field_tags(job.canonical);
      m_failed.push_back({job.link, job.current_number, job.canonical, std::move(tags), job.prev,
                          job.stored});
    }
    m_spare.push_back(std::move(done));
  }

  // The link an intact record was chained right after (0: first), searched
  // near its position.
  std::optional<std::int64_t> chained_after(const Failed& f) {
    if (m_sha.link(f.canonical, k_genesis) == f.stored) return 0;
    const auto pos = std::lower_bound(
        m_stored.begin(), m_stored.end(), f.link.seq,
        [](const std::pair<std::int64_t, Digest>& a, std::int64_t seq) { return a.first < seq; });
    const auto from = pos - std::min<std::int64_t>(k_reorder_window, pos - m_stored.begin());
    const auto to = pos + std::min<std::int64_t>(k_reorder_window, m_stored.end() - pos);
    for (auto it = from; it != to; ++it) {
      if (it->first != f.link.seq && m_sha.link(f.canonical, it->second) == f.stored) {
        return it->first;
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> m_expected_head;  // 32 bytes
  std::int64_t m_expected_seq = 1;
  Digest m_prev = k_genesis;
  Sha256 m_sha;
  // A deque: it grows by blocks, never copying what it holds (1M links: 40 MB).
  std::deque<std::pair<std::int64_t, Digest>> m_stored;
  std::vector<Failed> m_failed;
  std::vector<Problem> m_unchained;
  std::vector<Job> m_batch;
  std::size_t m_fill = 0;  // jobs of m_batch filled so far
  std::vector<std::vector<Job>> m_spare;
  // One core for this thread (reading and serialising records, and checking
  // batches when it gets ahead), the others for workers.
  std::size_t m_threads = std::max(2u, std::thread::hardware_concurrency()) - 1;
  std::size_t m_max_in_flight = m_threads + 2;
  std::deque<std::future<std::vector<Job>>> m_in_flight;
  // Last: its destructor waits for the batches still running, which hold
  // nothing of the members above.
  Workers<std::vector<Job>> m_workers{m_threads, &check_batch};
};

std::string describe(const store::ProjectionMismatch& m) {
  if (m.what == "status") {
    return "observation #" + std::to_string(m.number.value_or(0)) + " status is " + m.stored +
           " in observation_state but " + m.expected + " by the audit trail";
  }
  if (m.what == "technique") {
    return "observation #" + std::to_string(m.number.value_or(0)) + " technique " + m.detail +
           " is " + m.stored + " in observation_technique_change but " + m.expected +
           " by the audit trail";
  }
  return "the case status is " + m.stored + " in case_file but " + m.expected +
         " by the audit trail";
}

}  // namespace

std::string_view to_string(ProblemType type) {
  switch (type) {
    case ProblemType::modified: return "modified";
    case ProblemType::deleted: return "deleted";
    case ProblemType::inserted: return "inserted";
    case ProblemType::reordered: return "reordered";
    case ProblemType::rewritten: return "rewritten";
    case ProblemType::projection: return "projection";
  }
  return "modified";
}

FileDigest hash_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::not_found, "cannot read --source " + quote(path, 200));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw Error(ErrorCode::io, "OpenSSL: SHA-256 is not available");
  }
  FileDigest result;
  std::vector<char> block(1 << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::streamsize got = in.gcount();
    if (got > 0) {
      EVP_DigestUpdate(ctx, block.data(), static_cast<std::size_t>(got));
      result.size += got;
    }
  }
  const bool failed = in.bad();
  Digest d{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, d.data(), &length);
  EVP_MD_CTX_free(ctx);
  if (failed) throw Error(ErrorCode::io, "error reading --source " + quote(path, 200));
  result.sha256 = to_hex(d);
  return result;
}

VerifyReport verify_case(const store::Database& db, const std::string& case_key,
                         const VerifyOptions& options) {
  const model::CaseRecord c = store::require_case(db, case_key);
  std::optional<std::string> expected;
  if (options.expected_head) {
    const auto digest = digest_from_hex(*options.expected_head);
    if (!digest) {
      throw invalid_value("--head", *options.expected_head, "expected 64 hex digits (a chain head)");
    }
    expected = std::string(as_bytes(*digest));
  }
  VerifyReport report;
  report.case_key = c.key;
  if (options.source) {
    // Hashed first: a missing file is a usage problem, whatever the chain says.
    const FileDigest file = hash_file(*options.source);
    report.source = SourceCheck{*options.source, file.sha256, file.size, {}};
  }
  Checker checker(expected);
  store::scan_case_chain(db, c.id, checker, /*defer_raw_digest=*/true);
  checker.finish();
  report.links = checker.links;
  report.case_records = checker.case_records;
  report.import_runs = checker.import_runs;
  report.observations = checker.observations;
  report.audits = checker.audits;
  report.head_seq = checker.head_seq;
  report.head = checker.head;
  report.problems = std::move(checker.problems);
  report.expected_head_seq = checker.expected_head_seq;
  if (options.expected_head && !report.expected_head_seq) {
    report.problems.push_back(
        {ProblemType::rewritten, std::nullopt, std::nullopt, std::nullopt, {},
         "the head given with --head (" + options.expected_head->substr(0, 16) +
             "...) is not in the chain: the chain was rewritten or cut short"});
  }

  const bool chain_intact = report.problems.empty();
  auto projections = store::check_projections(db, c.id);
  if (options.repair && chain_intact && !projections.empty()) {
    // Only from an intact audit trail: rebuilding from a tampered one would
    // make the tampering look consistent.
    report.repaired = store::rebuild_projections(db, c.id);
    projections = store::check_projections(db, c.id);
  }
  for (const auto& m : projections) {
    report.problems.push_back({ProblemType::projection, std::nullopt, std::nullopt, m.number, {},
                               describe(m) + (chain_intact ? " (verify --repair rebuilds it)" : "")});
  }

  if (report.source) {
    for (const auto& run : store::list_import_runs(db, c.id)) {
      if (util::hex_decode(run.sha256) == util::hex_decode(report.source->sha256) &&
          run.size == report.source->size) {
        report.source->matches.push_back(
            {run.id, run.path, run.format, run.analyst, run.started_at});
      }
    }
  }
  return report;
}

}  // namespace casetrail::integrity
