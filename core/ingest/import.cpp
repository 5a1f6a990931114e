#include "core/ingest/import.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/attack/technique_check.hpp"
#include "core/error.hpp"
#include "core/ingest/csv_reader.hpp"
#include "core/ingest/fingerprint.hpp"
#include "core/ingest/format.hpp"
#include "core/ingest/windows_event_mapper.hpp"
#include "core/integrity/chain.hpp"
#include "core/model/identity.hpp"
#include "core/store/case_store.hpp"
#include "core/store/import_store.hpp"
#include "core/store/observation_store.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::ingest {
namespace {

// The two sources that report one process creation each, linked as one
// execution when they agree on host, pid, image and time (within a second).
const store::ExecutionLinkRule k_execution_rule{"Sysmon 1", "Security 4688", time::Micros(1'000'000)};
// Clock or zone errors: whole hours, or the quarter hours time zones use,
// up to a day (plus the largest offset).
constexpr time::Micros k_clock_step{15LL * 60 * 1'000'000};
constexpr time::Micros k_clock_max{26LL * 3600 * 1'000'000};
// Raw records from this size on are stored zstd-compressed (as
// append_observations does for its callers that do not compress).
constexpr std::size_t k_compress_raw_from = 256;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string file_sha256(const std::string& path, const std::string& display) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw Error(ErrorCode::io, "cannot read " + quote(display, 200) + ": " + std::strerror(errno));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string buffer(1u << 20, '\0');
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file);
    if (n > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (n < buffer.size()) break;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Error(ErrorCode::io, "cannot read " + quote(display, 200) + ": read error");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return util::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

struct Skew {
  std::string source;  // as given
  std::string key;     // lower-case
  time::Micros amount{0};
  bool matched = false;
};

std::vector<Skew> parse_skews(const std::vector<std::string>& given) {
  std::vector<Skew> skews;
  for (const std::string& text : given) {
    const auto eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
      throw invalid_value("--skew", text, "expected SOURCE=DURATION such as Security=+4h");
    }
    auto amount = time::parse_duration(text.substr(eq + 1));
    if (!amount) throw invalid_value("--skew", text, amount.error());
    Skew s{text.substr(0, eq), lower(text.substr(0, eq)), *amount, false};
    for (const Skew& other : skews) {
      if (other.key == s.key) throw invalid_value("--skew", text, "source " + quote(s.source) + " given twice");
    }
    skews.push_back(std::move(s));
  }
  return skews;
}

// The skew for a source name: the one naming it exactly ("Security 4688")
// wins over the one naming its family ("Security", "Sysmon", "ECS").
Skew* skew_for(std::vector<Skew>& skews, const std::string& source) {
  if (skews.empty()) return nullptr;
  const std::string key = lower(source);
  const std::string family = key.substr(0, key.find(' '));
  Skew* by_family = nullptr;
  for (Skew& s : skews) {
    if (s.key == key) return &s;
    if (s.key == family) by_family = &s;
  }
  return by_family;
}

// Whether a reader's place already names the event's record: the .evtx
// reader's places are "<file> record <EventRecordID>"; line-based ones
// ("<file>:12") do not, and get the EventRecordID appended.
bool names_record(const std::string& place, std::int64_t record_id) {
  if (place.find("EventRecordID") != std::string::npos) return true;
  const std::string record = " record " + std::to_string(record_id);
  const auto at = place.find(record);
  if (at == std::string::npos) return false;
  const auto end = at + record.size();
  return end == place.size() || place[end] == ' ';
}

std::set<model::Kind> parse_kinds(const std::optional<std::string>& given) {
  const std::set<model::Kind> all = {model::Kind::process,  model::Kind::logon,
                                     model::Kind::network,  model::Kind::file,
                                     model::Kind::registry, model::Kind::dns,
                                     model::Kind::image_load};
  if (!given) return all;
  std::set<model::Kind> kinds;
  std::string_view rest = *given;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) continue;
    auto kind = model::parse_kind(name);
    if (!kind || !all.count(*kind)) {
      throw invalid_value("--kinds", *given,
                          "unknown kind " + quote(name) +
                              " (expected process, logon, network, file, registry, dns, image_load)");
    }
    kinds.insert(*kind);
  }
  if (kinds.empty()) throw invalid_value("--kinds", *given, "no kind given");
  return kinds;
}

std::vector<std::pair<std::string, std::string>> parse_maps(const std::vector<std::string>& given) {
  std::vector<std::pair<std::string, std::string>> maps;
  for (const std::string& text : given) {
    const auto eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
      throw invalid_value("--map", text, "expected column=field such as EventTime=time");
    }
    const std::string field = text.substr(eq + 1);
    const auto& fields = csv_map_fields();
    if (field.rfind("attr.", 0) != 0 && std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string names;
      for (auto f : fields) {
        if (!names.empty()) names += ", ";
        names += f;
      }
      throw invalid_value("--map", text, "unknown field " + quote(field) + " (fields: " + names +
                                             ", attr.NAME)");
    }
    maps.emplace_back(text.substr(0, eq), field);
  }
  return maps;
}

// Checks technique IDs that come with records, once per distinct ID.
class TechniqueCache {
public:
  // `general` receives the checker's own warnings (no catalogue, deprecated
  // IDs), which concern the whole import rather than one file.
  TechniqueCache(const store::Database& db, std::set<std::string>& general)
      : m_db(db), m_general(general) {}

  // The checked ID, or nullopt (with a warning) when the catalogue refuses it.
  std::optional<std::string> check(const std::string& id, const std::string& source,
                                   std::set<std::string>& warnings,
                                   std::optional<std::string>& release) {
    auto it = m_checked.find(id);
    if (it == m_checked.end()) {
      Entry entry;
      try {
        auto result = attack::check_techniques(m_db, "technique", {id});
        entry.id = result.ids.at(0);
        entry.release = result.release;
        for (const auto& w : result.warnings) m_general.insert(w);
      } catch (const Error& e) {
        entry.reason = e.what();
      }
      it = m_checked.emplace(id, std::move(entry)).first;
    }
    if (!it->second.id) {
      warnings.insert(source + " records name " + it->second.reason +
                      ": the tag was not added (the raw record keeps it)");
      return std::nullopt;
    }
    if (it->second.release) release = it->second.release;
    return it->second.id;
  }

private:
  struct Entry {
    std::optional<std::string> id;
    std::optional<std::string> release;
    std::string reason;
  };
  const store::Database& m_db;
  std::set<std::string>& m_general;
  std::unordered_map<std::string, Entry> m_checked;
};

// Writes rejected records verbatim, one per line.
class RejectsFile {
public:
  explicit RejectsFile(const std::optional<std::string>& path) {
    if (!path) return;
    m_out.open(*path, std::ios::binary | std::ios::trunc);
    if (!m_out) throw Error(ErrorCode::io, "cannot write --rejects " + quote(*path, 200));
    m_path = *path;
  }
  void write(const std::string& preamble, bool& preamble_written, const std::string& raw) {
    if (!m_out.is_open() || raw.empty()) return;
    if (!preamble_written) {
      m_out << preamble;
      preamble_written = true;
    }
    m_out.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    m_out.put('\n');
    if (!m_out) throw Error(ErrorCode::io, "cannot write --rejects " + quote(m_path, 200));
  }
  void flush() {
    if (m_out.is_open()) m_out.flush();
  }

private:
  std::ofstream m_out;
  std::string m_path;
};

struct Settings {
  std::int64_t case_id = 0;
  std::set<model::Kind> kinds;
  std::vector<std::string> techniques;  // --technique, checked
  std::optional<std::string> technique_release;
  std::vector<Skew> skews;
  ReaderOptions reader;
  const Format* format = nullptr;  // --format
  std::size_t batch_size = 4096;
};

// Batches handed from the reading thread to the writing one: one waiting,
// one being written, one being filled, whatever the file's size.
class BatchQueue {
public:
  using Batch = std::vector<model::NewObservation>;

  // Blocks while the queue is full. Returns false when the consumer stopped.
  bool push(Batch batch) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_batches.size() < k_capacity || m_stopped; });
    if (m_stopped) return false;
    m_batches.push_back(std::move(batch));
    m_changed.notify_all();
    return true;
  }

  // The producer is done (normally or with an exception).
  void close(std::exception_ptr error = nullptr) {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_error = error;
    m_changed.notify_all();
  }

  // The consumer gives up (it failed): the producer's next push returns false.
  void stop() {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_changed.notify_all();
  }

  // The next batch, or nullopt when the producer is done; rethrows the
  // producer's exception.
  std::optional<Batch> pop() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_batches.empty() || m_closed; });
    if (!m_batches.empty()) {
      Batch batch = std::move(m_batches.front());
      m_batches.pop_front();
      m_changed.notify_all();
      return batch;
    }
    if (m_error) std::rethrow_exception(m_error);
    return std::nullopt;
  }

private:
  static constexpr std::size_t k_capacity = 1;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Batch> m_batches;
  bool m_closed = false;
  bool m_stopped = false;
  std::exception_ptr m_error;
};

// One file: a reading thread parses, maps and fingerprints records into
// batches; this thread checks their techniques and appends them, one
// transaction per batch. Reading and writing overlap, and only this thread
// touches the database (one connection, one thread).
class FileImport {
public:
  FileImport(const store::Database& db, Settings& settings, const ImportActor& actor,
             ImportObserver& observer, RejectsFile& rejects, TechniqueCache& techniques,
             FileSummary& summary)
      : m_db(db), m_settings(settings), m_actor(actor), m_observer(observer), m_rejects(rejects),
        m_techniques(techniques), m_summary(summary) {}

  void run(const std::string& path) {
    ReaderOptions options = m_settings.reader;
    options.display_path = path;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
      throw Error(ErrorCode::io, "cannot read " + quote(path, 200) + ": " + ec.message());
    }
    m_summary.size = static_cast<std::int64_t>(size);
    const Format& format = m_settings.format ? *m_settings.format : detect_format(path, path);
    m_summary.format = std::string(format.name);
    m_summary.sha256 = file_sha256(path, path);
    auto reader = format.make(path, options);

    store::NewImportRun run;
    run.path = path;
    run.sha256 = m_summary.sha256;
    run.size = m_summary.size;
    run.format = m_summary.format;
    run.analyst = m_actor.analyst;
    run.started_at = m_actor.now();
    m_run = store::create_import_run(m_db, m_settings.case_id, run);
    m_summary.import_run = m_run;

    BatchQueue queue;
    // The batches commit without a sync each; finish_import_run below, at
    // FULL again, makes them all durable at once.
    std::optional<store::RelaxedBatchSync> relaxed(std::in_place, m_db);
    std::thread producer([&] {
      try {
        produce(*reader, queue, path, size);
        queue.close();
      } catch (...) {
        queue.close(std::current_exception());
      }
    });
    try {
      while (auto batch = queue.pop()) write(*batch);
    } catch (...) {
      queue.stop();
      producer.join();
      throw;
    }
    producer.join();
    relaxed.reset();
    m_rejects.flush();
    m_observer.progress({path, size, size, m_summary.read});

    m_summary.linked_pairs =
        store::link_same_executions(m_db, m_settings.case_id, m_run, k_execution_rule);
    for (const auto& d : store::find_clock_disagreements(m_db, m_settings.case_id, m_run,
                                                         k_execution_rule, k_clock_step,
                                                         k_clock_max)) {
      m_summary.warnings.push_back(disagreement_warning(d));
    }
    m_summary.warnings.insert(m_summary.warnings.end(), m_warnings.begin(), m_warnings.end());
    store::finish_import_run(m_db, m_run, m_actor.now(), counts_json());
  }

private:
  // The reading thread. Touches only the reader, the rejects file, the
  // observer and the read/skipped/rejected counts.
  void produce(RecordReader& reader, BatchQueue& queue, const std::string& path,
               std::uint64_t size) {
    BatchQueue::Batch batch;
    batch.reserve(m_settings.batch_size);
    while (auto item = reader.next()) {
      ++m_summary.read;
      handle(std::move(*item), reader, batch);
      if (batch.size() >= m_settings.batch_size) {
        if (!queue.push(std::move(batch))) return;
        batch = {};
        batch.reserve(m_settings.batch_size);
      }
      if ((m_summary.read & 1023) == 0) {
        m_observer.progress({path, reader.bytes_read(), size, m_summary.read});
      }
    }
    if (!batch.empty()) queue.push(std::move(batch));
  }

  void handle(ReadItem item, const RecordReader& reader, BatchQueue::Batch& batch) {
    switch (item.type) {
      case ReadItem::Type::rejected: return reject(item, reader);
      case ReadItem::Type::skipped: return skip(item.skipped_source);
      case ReadItem::Type::windows_event: {
        MapOptions options{m_settings.reader.source_tz, m_settings.reader.host};
        MapResult mapped = map_windows_event(*item.windows_event, options);
        if (mapped.outcome == MapResult::Outcome::skipped) return skip(mapped.source);
        if (mapped.outcome == MapResult::Outcome::rejected) {
          item.reason = std::move(mapped.reason);
          return reject(item, reader);
        }
        const WindowsEvent& event = *item.windows_event;
        if (event.record_id && !names_record(item.place, *event.record_id)) {
          item.place += " (EventRecordID " + std::to_string(*event.record_id) + ")";
        }
        mapped.observation.source.fingerprint =
            m_occurrences.fingerprint(windows_event_identity(event));
        return accept(std::move(mapped.observation), item, batch);
      }
      case ReadItem::Type::observation: {
        model::NewObservation o = std::move(*item.observation);
        if (!o.source.fingerprint) {
          Digest d;
          d.add("record").add(o.source.name).add(o.host).add(item.raw);
          o.source.fingerprint = m_occurrences.fingerprint({d.finish(), false});
        }
        return accept(std::move(o), item, batch);
      }
    }
  }

  void reject(const ReadItem& item, const RecordReader& reader) {
    ++m_summary.rejected;
    Rejection r{item.place, item.reason};
    m_observer.rejected(r);
    if (m_summary.rejections.size() < k_listed_rejections) m_summary.rejections.push_back(r);
    m_rejects.write(reader.rejects_preamble(), m_preamble_written, item.raw);
  }

  void skip(const std::string& source) {
    ++m_summary.skipped;
    ++m_summary.skipped_by_source[source];
  }

  void accept(model::NewObservation o, ReadItem& item, BatchQueue::Batch& batch) {
    if (!m_settings.kinds.count(o.kind)) return skip(o.source.name);
    if (Skew* skew = skew_for(m_settings.skews, o.source.name)) {
      skew->matched = true;
      o.observed.utc += skew->amount;
      o.skew = skew->amount;
    }
    o.source.import_run_id = m_run;
    if (!item.keeps_provenance) {
      o.source.ref = item.place;
      o.raw = std::move(item.raw);
    }
    // Compressed here, on the reading thread, so that the writing thread
    // (the bottleneck) only inserts. Small records are stored as they are,
    // as the store does (compression gains little below a few hundred bytes).
    if (o.raw && o.raw->size() >= k_compress_raw_from) o.raw_zstd = util::zstd_compress(*o.raw);
    // The raw record's digest for the hash chain, here for the same reason.
    if (o.raw) o.raw_sha256 = std::string(integrity::as_bytes(m_raw_sha256.digest(*o.raw)));
    batch.push_back(std::move(o));
  }

  // The writing thread: techniques the records name, checked like everywhere
  // else (the catalogue is in the database), then the ones given for every
  // record; then one transaction.
  void write(BatchQueue::Batch& batch) {
    for (model::NewObservation& o : batch) {
      if (o.techniques.empty() && m_settings.techniques.empty()) continue;
      std::vector<std::string> techniques;
      std::optional<std::string> release = o.attack_release;
      for (const std::string& id : o.techniques) {
        auto checked = m_techniques.check(id, o.source.name, m_warnings, release);
        if (checked && std::find(techniques.begin(), techniques.end(), *checked) == techniques.end()) {
          techniques.push_back(*checked);
        }
      }
      for (const std::string& id : m_settings.techniques) {
        if (std::find(techniques.begin(), techniques.end(), id) == techniques.end()) {
          techniques.push_back(id);
        }
      }
      if (!m_settings.techniques.empty() && !release) release = m_settings.technique_release;
      o.techniques = std::move(techniques);
      o.attack_release = o.techniques.empty() ? std::nullopt : release;
    }
    const auto result = store::append_observations(m_db, m_settings.case_id, batch,
                                                   {m_actor.analyst, m_actor.now()});
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (result.numbers[i] != 0) {
        ++m_summary.imported_by_kind[std::string(model::to_string(batch[i].kind))];
      }
    }
    m_summary.imported += result.inserted;
    m_summary.already_present += result.already_present;
  }

  static std::string disagreement_warning(const store::ClockDisagreement& d) {
    // offset: Security's time minus Sysmon's. A Security clock behind by 4h
    // is corrected by --skew Security=+4h.
    const time::Micros correction = -d.offset;
    const std::string by = time::format_duration(d.offset < time::Micros(0) ? -d.offset : d.offset);
    const std::string skew = (correction > time::Micros(0) ? "+" : "") + time::format_duration(correction);
    return "Security and Sysmon on " + d.host + " disagree by " + by + " (" +
           std::to_string(d.pairs) + " process creation" + (d.pairs == 1 ? "" : "s") +
           " seen by both, Security " + by + (correction > time::Micros(0) ? " behind" : " ahead") +
           "): one source's clock or zone is off (use --skew Security=" + skew + ")";
  }

  std::string counts_json() const {
    nlohmann::json j;
    j["read"] = m_summary.read;
    j["imported"] = m_summary.imported;
    j["imported_by_kind"] = m_summary.imported_by_kind;
    j["already_present"] = m_summary.already_present;
    j["linked_pairs"] = m_summary.linked_pairs;
    j["skipped"] = m_summary.skipped;
    j["skipped_by_source"] = m_summary.skipped_by_source;
    j["rejected"] = m_summary.rejected;
    return j.dump();
  }

  const store::Database& m_db;
  Settings& m_settings;
  const ImportActor& m_actor;
  ImportObserver& m_observer;
  RejectsFile& m_rejects;
  TechniqueCache& m_techniques;
  FileSummary& m_summary;
  std::set<std::string> m_warnings;
  std::int64_t m_run = 0;
  OccurrenceCounter m_occurrences;
  bool m_preamble_written = false;
  // Used by the reading thread only (accept).
  integrity::Sha256 m_raw_sha256;
};

}  // namespace

ImportSummary::Outcome ImportSummary::outcome() const {
  std::int64_t accepted = 0;
  bool any_problem = false;
  for (const FileSummary& f : files) {
    accepted += f.imported + f.already_present + f.skipped;
    any_problem = any_problem || f.error || f.rejected > 0;
  }
  if (accepted == 0 && any_problem) return Outcome::nothing_read;
  return any_problem ? Outcome::partial : Outcome::complete;
}

ImportSummary import_files(const store::Database& db, const ImportRequest& request,
                           const ImportActor& actor, ImportObserver& observer) {
  if (request.files.empty()) throw Error(ErrorCode::usage, "missing FILE: name the files to import");
  const model::CaseRecord c = store::require_case(db, request.case_key);
  Settings settings;
  settings.case_id = c.id;
  settings.kinds = parse_kinds(request.kinds);
  settings.skews = parse_skews(request.skews);
  settings.batch_size = std::max<std::size_t>(request.batch_size, 1);
  if (request.format) {
    settings.format = find_format(*request.format);
    if (settings.format == nullptr) {
      std::string names;
      for (const Format& f : formats()) {
        if (!names.empty()) names += ", ";
        names += f.name;
      }
      throw invalid_value("--format", *request.format, "expected one of " + names);
    }
  }
  if (request.source_tz) {
    auto zone = time::find_zone(*request.source_tz);
    if (!zone) throw invalid_value("--source-tz", *request.source_tz, zone.error());
    settings.reader.source_tz = *zone;
  }
  if (request.host) {
    if (!model::canonical_host(*request.host)) throw invalid_value("--host", *request.host, "empty host name");
    settings.reader.host = request.host;
  }
  settings.reader.csv_map = parse_maps(request.maps);

  ImportSummary summary;
  summary.case_key = c.key;
  std::set<std::string> warnings;
  if (!request.techniques.empty()) {
    auto checked = attack::check_techniques(db, "--technique", request.techniques);
    settings.techniques = checked.ids;
    settings.technique_release = checked.release;
    warnings.insert(checked.warnings.begin(), checked.warnings.end());
  }
  if (c.status == model::CaseStatus::closed) {
    warnings.insert("case " + c.key + " is closed: records imported all the same");
  }
  RejectsFile rejects(request.rejects);
  TechniqueCache techniques(db, warnings);
  store::prepare_bulk_import(db);

  for (const std::string& path : request.files) {
    FileSummary& file = summary.files.emplace_back();
    file.path = path;
    FileImport import(db, settings, actor, observer, rejects, techniques, file);
    try {
      import.run(path);
    } catch (const Error& e) {
      // A file that cannot be read (or a reader that refuses it) spoils only
      // itself; option and database errors stop the import.
      if (e.code() != ErrorCode::io && e.code() != ErrorCode::invalid_input) throw;
      file.error = e.what();
      observer.file_failed(path, e.what());
    }
  }
  for (const Skew& s : settings.skews) {
    if (!s.matched) {
      warnings.insert("--skew " + s.source + "=" + time::format_duration(s.amount) +
                      " matched no imported record (sources are named like \"Sysmon 1\" or "
                      "\"Security 4688\"; a family name such as Security matches all of them)");
    }
  }
  summary.warnings.assign(warnings.begin(), warnings.end());
  return summary;
}

}  // namespace casetrail::ingest
