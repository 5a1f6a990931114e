#include "core/store/observation_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_map>

#include "core/error.hpp"
#include "core/model/identity.hpp"
#include "core/store/attack_store.hpp"
#include "core/store/chain_store.hpp"
#include "core/store/statement_util.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::store {
namespace {

std::int64_t us(time::UtcTime t) { return t.time_since_epoch().count(); }
time::UtcTime from_us(std::int64_t v) { return time::UtcTime(time::Micros(v)); }

// Time-ordered (version 7) UUID: 48 bits of Unix milliseconds (the logged
// time), then 74 random bits from OpenSSL's CSPRNG
// (https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7). New rows go to
// the right end of the UNIQUE index on uuid instead of a random page of it,
// which keeps a million-record import's index pages in cache.
std::string new_uuid(time::UtcTime logged_at) {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    throw Error(ErrorCode::database, "cannot generate a UUID: no randomness");
  }
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(logged_at.time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

// Arguments are stored as a JSON array; an argument that is not valid UTF-8
// becomes {"base64": "..."} so that it survives byte for byte.
std::string encode_args(const std::vector<std::string>& args) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& a : args) {
    if (util::is_valid_utf8(a)) {
      array.push_back(a);
    } else {
      array.push_back({{"base64", util::base64_encode(a)}});
    }
  }
  return array.dump();
}

std::vector<std::string> decode_args(const std::string& text) {
  std::vector<std::string> args;
  for (const auto& item : nlohmann::json::parse(text)) {
    if (item.is_string()) {
      args.push_back(item.get<std::string>());
    } else {
      args.push_back(util::base64_decode(item.at("base64").get<std::string>()).value_or(""));
    }
  }
  return args;
}

std::string encode_attrs(const std::vector<std::pair<std::string, std::string>>& attrs) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [k, v] : attrs) {
    object[k] = util::is_valid_utf8(v) ? nlohmann::json(v)
                                       : nlohmann::json{{"base64", util::base64_encode(v)}};
  }
  return object.dump();
}

// Raw records above this size are stored zstd-compressed; small ones gain
// little and cost a call.
constexpr std::size_t k_compress_raw_from = 256;

class HostAccountCache {
public:
  HostAccountCache(SQLite::Database& db, std::int64_t case_id)
      : m_case_id(case_id),
        m_insert_host(db, "INSERT INTO host (case_id, canonical, fqdn, platform, first_name) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, canonical) DO NOTHING"),
        m_select_host(db, "SELECT id, fqdn, platform FROM host WHERE case_id = ? AND canonical = ?"),
        m_update_host(db, "UPDATE host SET fqdn = coalesce(fqdn, ?), platform = coalesce(platform, ?) "
                          "WHERE id = ?"),
        m_insert_account(db, "INSERT INTO account (case_id, canonical, domain, user_name, sid, "
                             "first_name) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (case_id, canonical) DO NOTHING"),
        m_select_account(db, "SELECT id, sid FROM account WHERE case_id = ? AND canonical = ?"),
        m_update_account(db, "UPDATE account SET sid = ? WHERE id = ? AND sid IS NULL") {}

  // The host's row id; `canonical` receives its canonical name.
  std::int64_t host(const model::NewObservation& o, std::string& canonical) {
    const auto name = model::canonical_host(o.host);
    if (!name) throw Error(ErrorCode::invalid_input, "missing host");
    const std::string& key = name->canonical;
    canonical = key;
    auto it = m_hosts.find(key);
    if (it != m_hosts.end() && (!o.host_platform || it->second.second)) return it->second.first;
    m_insert_host.reset();
    m_insert_host.clearBindings();
    m_insert_host.bind(1, static_cast<std::int64_t>(m_case_id));
    m_insert_host.bind(2, key);
    bind_opt(m_insert_host, 3, name->fqdn);
    bind_opt(m_insert_host, 4, o.host_platform);
    m_insert_host.bind(5, o.host);
    m_insert_host.exec();
    m_select_host.reset();
    m_select_host.bind(1, static_cast<std::int64_t>(m_case_id));
    m_select_host.bind(2, key);
    m_select_host.executeStep();
    const std::int64_t id = m_select_host.getColumn(0).getInt64();
    bool has_platform = !m_select_host.isColumnNull(2);
    const bool needs_update = (name->fqdn && m_select_host.isColumnNull(1)) ||
                              (o.host_platform && !has_platform);
    m_select_host.reset();
    if (needs_update) {
      m_update_host.reset();
      m_update_host.clearBindings();
      bind_opt(m_update_host, 1, name->fqdn);
      bind_opt(m_update_host, 2, o.host_platform);
      m_update_host.bind(3, static_cast<std::int64_t>(id));
      m_update_host.exec();
      has_platform = has_platform || o.host_platform.has_value();
    }
    m_hosts[key] = {id, has_platform};
    return id;
  }

  // The account's row id, if any; `canonical` receives its canonical name.
  std::optional<std::int64_t> account(const model::NewObservation& o,
                                      std::optional<std::string>& canonical) {
    canonical.reset();
    if (!o.account) return std::nullopt;
    const auto name = model::canonical_account(*o.account);
    if (!name) return std::nullopt;
    canonical = name->canonical;
    auto it = m_accounts.find(name->canonical);
    if (it != m_accounts.end() && (!o.account_sid || it->second.second)) return it->second.first;
    m_insert_account.reset();
    m_insert_account.clearBindings();
    m_insert_account.bind(1, static_cast<std::int64_t>(m_case_id));
    m_insert_account.bind(2, name->canonical);
    bind_opt(m_insert_account, 3, name->domain);
    m_insert_account.bind(4, name->user);
    bind_opt(m_insert_account, 5, o.account_sid);
    m_insert_account.bind(6, *o.account);
    m_insert_account.exec();
    m_select_account.reset();
    m_select_account.bind(1, static_cast<std::int64_t>(m_case_id));
    m_select_account.bind(2, name->canonical);
    m_select_account.executeStep();
    const std::int64_t id = m_select_account.getColumn(0).getInt64();
    bool has_sid = !m_select_account.isColumnNull(1);
    m_select_account.reset();
    if (o.account_sid && !has_sid) {
      m_update_account.reset();
      m_update_account.bind(1, *o.account_sid);
      m_update_account.bind(2, static_cast<std::int64_t>(id));
      m_update_account.exec();
      has_sid = true;
    }
    m_accounts[name->canonical] = {id, has_sid};
    return id;
  }

private:
  static void bind_opt(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
    if (v) {
      s.bind(i, *v);
    } else {
      s.bind(i);
    }
  }

  std::int64_t m_case_id;
  SQLite::Statement m_insert_host;
  SQLite::Statement m_select_host;
  SQLite::Statement m_update_host;
  SQLite::Statement m_insert_account;
  SQLite::Statement m_select_account;
  SQLite::Statement m_update_account;
  std::unordered_map<std::string, std::pair<std::int64_t, bool>> m_hosts;
  std::unordered_map<std::string, std::pair<std::int64_t, bool>> m_accounts;
};

constexpr const char* k_select_observation =
    "SELECT o.id, o.number, o.uuid, o.kind, o.observed_at, o.observed_offset, o.observed_text, "
    "o.time_precision, o.time_zone, o.time_source, o.skew_us, h.canonical, o.host_observed, "
    "h.fqdn, h.platform, a.canonical, o.account_observed, a.sid, o.source, o.source_ref, "
    "o.import_run_id, o.analyst, o.logged_at, o.note, o.raw, o.raw_codec, o.attrs, "
    "coalesce(st.status, 'unverified'), p.observation_id, p.image, p.command_line, p.args, "
    "p.args_source, p.pid, p.guid, p.parent_image, p.parent_command_line, p.parent_pid, "
    "p.parent_guid, p.cwd, p.logon_id, p.integrity_level, p.hashes, p.user, o.fingerprint "
    "FROM observation o JOIN host h ON h.id = o.host_id "
    "LEFT JOIN account a ON a.id = o.account_id "
    "LEFT JOIN observation_state st ON st.observation_id = o.id "
    "LEFT JOIN process p ON p.observation_id = o.id ";

model::ObservationRecord read_observation(SQLite::Statement& s) {
  model::ObservationRecord r;
  r.id = s.getColumn(0).getInt64();
  r.number = s.getColumn(1).getInt64();
  r.uuid = s.getColumn(2).getString();
  r.kind = *model::parse_kind(s.getColumn(3).getString());
  r.observed_at = from_us(s.getColumn(4).getInt64());
  r.observed_offset = s.getColumn(5).getInt();
  r.observed_text = s.getColumn(6).getString();
  r.time_precision = s.getColumn(7).getInt();
  r.time_zone = optional_text(s, 8);
  r.time_source = s.getColumn(9).getString();
  if (auto skew = optional_int(s, 10)) r.skew = time::Micros(*skew);
  r.host = s.getColumn(11).getString();
  r.host_observed = s.getColumn(12).getString();
  r.host_fqdn = optional_text(s, 13);
  r.host_platform = optional_text(s, 14);
  r.account = optional_text(s, 15);
  r.account_observed = optional_text(s, 16);
  r.account_sid = optional_text(s, 17);
  r.source = s.getColumn(18).getString();
  r.source_ref = optional_text(s, 19);
  r.import_run_id = optional_int(s, 20);
  r.analyst = s.getColumn(21).getString();
  r.logged_at = from_us(s.getColumn(22).getInt64());
  r.note = optional_text(s, 23);
  if (auto raw = optional_bytes(s, 24)) {
    if (s.getColumn(25).getString() == "zstd") {
      auto decoded = util::zstd_decompress(*raw);
      if (!decoded) {
        throw Error(ErrorCode::database, "observation #" + std::to_string(r.number) +
                                             ": stored raw record is corrupt");
      }
      r.raw = std::move(*decoded);
    } else {
      r.raw = std::move(*raw);
    }
  }
  r.attrs_json = optional_text(s, 26);
  r.status = *model::parse_status(s.getColumn(27).getString());
  if (!s.isColumnNull(28)) {
    model::ProcessDetails p;
    p.image = optional_text(s, 29);
    p.command_line = optional_bytes(s, 30);
    if (auto args = optional_text(s, 31)) p.args = decode_args(*args);
    p.args_source = optional_text(s, 32);
    p.pid = optional_int(s, 33);
    p.guid = optional_text(s, 34);
    p.parent_image = optional_text(s, 35);
    p.parent_command_line = optional_bytes(s, 36);
    p.parent_pid = optional_int(s, 37);
    p.parent_guid = optional_text(s, 38);
    p.cwd = optional_text(s, 39);
    p.logon_id = optional_text(s, 40);
    p.integrity_level = optional_text(s, 41);
    p.hashes = optional_text(s, 42);
    p.user = optional_text(s, 43);
    r.process = std::move(p);
  }
  r.fingerprint = optional_bytes(s, 44);
  return r;
}

void read_techniques(SQLite::Statement& s, model::ObservationRecord& r) {
  s.reset();
  s.bind(1, static_cast<std::int64_t>(r.id));
  while (s.executeStep()) {
    model::TechniqueRef t;
    t.id = s.getColumn(0).getString();
    t.attack_release = optional_text(s, 1);
    r.techniques.push_back(std::move(t));
  }
}

// The effective techniques: those logged, minus those `obs tag --remove`
// took away, plus those it added (observation_technique_change).
constexpr const char* k_select_techniques =
    "SELECT ot.technique_id, ot.attack_release FROM observation_technique ot "
    "WHERE ot.observation_id = ?1 AND NOT EXISTS (SELECT 1 FROM observation_technique_change c "
    "WHERE c.observation_id = ?1 AND c.technique_id = ot.technique_id AND c.present = 0) "
    "UNION ALL SELECT c.technique_id, c.attack_release FROM observation_technique_change c "
    "WHERE c.observation_id = ?1 AND c.present = 1 AND NOT EXISTS (SELECT 1 FROM "
    "observation_technique ot WHERE ot.observation_id = ?1 AND ot.technique_id = c.technique_id) "
    "ORDER BY 1";

// Links are stored in both directions (migration 0002), so one side suffices.
constexpr const char* k_select_same_execution =
    "SELECT o.number FROM observation_link l JOIN observation o ON o.id = l.linked_id "
    "WHERE l.observation_id = ? AND l.relation = 'same_execution' ORDER BY o.number";

void read_links(SQLite::Statement& s, model::ObservationRecord& r) {
  s.reset();
  s.bind(1, static_cast<std::int64_t>(r.id));
  while (s.executeStep()) r.same_execution_as.push_back(s.getColumn(0).getInt64());
}

}  // namespace

AppendResult append_observations(const Database& db, std::int64_t case_id,
                                 const std::vector<model::NewObservation>& observations,
                                 const AppendContext& context) {
  AppendResult result;
  result.numbers.reserve(observations.size());
  write_transaction(db, [&] {
    result = AppendResult{};
    SQLite::Database& c = db.connection();
    SQLite::Statement next(c, "SELECT coalesce(max(number), 0) FROM observation WHERE case_id = ?");
    next.bind(1, static_cast<std::int64_t>(case_id));
    next.executeStep();
    std::int64_t number = next.getColumn(0).getInt64();

    HostAccountCache identities(c, case_id);
    SQLite::Statement insert(
        c,
        "INSERT INTO observation (case_id, number, uuid, kind, observed_at, observed_offset, "
        "observed_text, time_precision, time_zone, time_source, skew_us, host_id, host_observed, "
        "account_id, account_observed, source, source_ref, import_run_id, fingerprint, analyst, "
        "logged_at, note, raw, raw_codec, attrs) VALUES (:case, :number, :uuid, :kind, :at, "
        ":offset, :text, :precision, :zone, :time_source, :skew, :host, :host_observed, :account, "
        ":account_observed, :source, :source_ref, :run, :fingerprint, :analyst, :logged, :note, "
        ":raw, :codec, :attrs) ON CONFLICT (case_id, fingerprint) DO NOTHING");
    SQLite::Statement insert_process(
        c,
        "INSERT INTO process (observation_id, image, image_name, command_line, args, args_source, "
        "pid, guid, parent_image, parent_command_line, parent_pid, parent_guid, cwd, logon_id, "
        "integrity_level, hashes, user) VALUES (:id, :image, :image_name, :cmd, :args, "
        ":args_source, :pid, :guid, :pimage, :pcmd, :ppid, :pguid, :cwd, :logon, :integrity, "
        ":hashes, :user)");
    SQLite::Statement insert_technique(
        c, "INSERT INTO observation_technique (observation_id, technique_id, attack_release) "
           "VALUES (?, ?, ?) ON CONFLICT (observation_id, technique_id) DO NOTHING");
    std::optional<ChainWriter> chain;
    if (context.chain == ChainMode::on) chain.emplace(c, case_id);

    // Values bound and chained alike, so that the chain covers exactly what
    // is stored (verify serialises the stored row the same way).
    std::string uuid;
    std::string host;
    std::optional<std::string> account;
    std::optional<std::string> attrs;
    std::optional<std::string> image_name;
    std::optional<std::string> args;
    std::vector<std::string_view> techniques;
    const std::int64_t logged_at = us(context.logged_at);

    for (const model::NewObservation& o : observations) {
      uuid = new_uuid(context.logged_at);
      insert.reset();
      insert.clearBindings();
      insert.bind(":case", static_cast<std::int64_t>(case_id));
      insert.bind(":number", static_cast<std::int64_t>(number + 1));
      insert.bind(":uuid", uuid);
      insert.bind(":kind", std::string(model::to_string(o.kind)));
      insert.bind(":at", us(o.observed.utc));
      insert.bind(":offset", o.observed.offset_seconds);
      insert.bind(":text", o.observed.original);
      insert.bind(":precision", o.observed.fraction_digits);
      bind_optional(insert, ":zone",
                    o.observed.zone.empty() ? std::nullopt : std::optional(o.observed.zone));
      insert.bind(":time_source", o.time_source);
      bind_optional(insert, ":skew",
                    o.skew ? std::optional<std::int64_t>(o.skew->count()) : std::nullopt);
      insert.bind(":host", static_cast<std::int64_t>(identities.host(o, host)));
      insert.bind(":host_observed", o.host);
      const auto account_id = identities.account(o, account);
      bind_optional(insert, ":account",
                    account_id ? std::optional<std::int64_t>(*account_id) : std::nullopt);
      bind_optional(insert, ":account_observed", o.account);
      insert.bind(":source", o.source.name);
      bind_optional(insert, ":source_ref", o.source.ref);
      bind_optional(insert, ":run",
                    o.source.import_run_id ? std::optional<std::int64_t>(*o.source.import_run_id)
                                           : std::nullopt);
      bind_blob(insert, ":fingerprint", o.source.fingerprint);
      insert.bind(":analyst", context.analyst);
      insert.bind(":logged", logged_at);
      bind_optional(insert, ":note", o.note);
      std::string raw_codec = "identity";
      if (o.raw_zstd) {
        insert.bind(":raw", o.raw_zstd->data(), static_cast<int>(o.raw_zstd->size()));
        raw_codec = "zstd";
      } else if (o.raw && o.raw->size() >= k_compress_raw_from) {
        const std::string packed = util::zstd_compress(*o.raw);
        insert.bind(":raw", packed.data(), static_cast<int>(packed.size()));
        raw_codec = "zstd";
      } else {
        bind_blob(insert, ":raw", o.raw);
      }
      insert.bind(":codec", raw_codec);
      attrs = o.attrs.empty() ? std::nullopt : std::optional(encode_attrs(o.attrs));
      bind_optional(insert, ":attrs", attrs);
      if (insert.exec() == 0) {
        ++result.already_present;
        result.numbers.push_back(0);
        continue;
      }
      ++number;
      ++result.inserted;
      result.numbers.push_back(number);
      const std::int64_t id = c.getLastInsertRowid();

      image_name.reset();
      args.reset();
      if (o.process) {
        const model::ProcessDetails& p = *o.process;
        insert_process.reset();
        insert_process.clearBindings();
        insert_process.bind(":id", id);
        bind_optional(insert_process, ":image", p.image);
        if (p.image) {
          // image_name: the lower-case file name, for joins and filters.
          std::string name = *p.image;
          const auto sep = name.find_last_of("\\/");
          if (sep != std::string::npos) name = name.substr(sep + 1);
          for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          image_name = std::move(name);
          insert_process.bind(":image_name", *image_name);
        }
        bind_blob(insert_process, ":cmd", p.command_line);
        if (p.args) {
          args = encode_args(*p.args);
          insert_process.bind(":args", *args);
          bind_optional(insert_process, ":args_source", p.args_source);
        }
        bind_optional(insert_process, ":pid",
                      p.pid ? std::optional<std::int64_t>(*p.pid) : std::nullopt);
        bind_optional(insert_process, ":guid", p.guid);
        bind_optional(insert_process, ":pimage", p.parent_image);
        bind_blob(insert_process, ":pcmd", p.parent_command_line);
        bind_optional(insert_process, ":ppid",
                      p.parent_pid ? std::optional<std::int64_t>(*p.parent_pid) : std::nullopt);
        bind_optional(insert_process, ":pguid", p.parent_guid);
        bind_optional(insert_process, ":cwd", p.cwd);
        bind_optional(insert_process, ":logon", p.logon_id);
        bind_optional(insert_process, ":integrity", p.integrity_level);
        bind_optional(insert_process, ":hashes", p.hashes);
        bind_optional(insert_process, ":user", p.user);
        insert_process.exec();
      }
      for (const std::string& t : o.techniques) {
        insert_technique.reset();
        insert_technique.clearBindings();
        insert_technique.bind(1, id);
        insert_technique.bind(2, t);
        if (o.attack_release) {
          insert_technique.bind(3, *o.attack_release);
        } else {
          insert_technique.bind(3);
        }
        insert_technique.exec();
      }
      if (!chain) continue;

      auto v = [](const std::optional<std::string>& s) -> integrity::Text {
        if (s) return std::string_view(*s);
        return std::nullopt;
      };
      integrity::ObservationFields f;
      f.number = number;
      f.uuid = uuid;
      f.kind = model::to_string(o.kind);
      f.observed_at = us(o.observed.utc);
      f.observed_offset = o.observed.offset_seconds;
      f.observed_text = o.observed.original;
      f.time_precision = o.observed.fraction_digits;
      if (!o.observed.zone.empty()) f.time_zone = o.observed.zone;
      f.time_source = o.time_source;
      if (o.skew) f.skew_us = o.skew->count();
      f.host = host;
      f.host_observed = o.host;
      f.account = account_id ? v(account) : std::nullopt;
      f.account_observed = v(o.account);
      f.source = o.source.name;
      f.source_ref = v(o.source.ref);
      f.import_run = o.source.import_run_id;
      f.fingerprint = v(o.source.fingerprint);
      f.analyst = context.analyst;
      f.logged_at = logged_at;
      f.note = v(o.note);
      integrity::Digest raw_digest{};
      if (o.raw && o.raw_sha256 && o.raw_sha256->size() == raw_digest.size()) {
        f.raw_sha256 = std::string_view(*o.raw_sha256);
      } else if (o.raw) {
        raw_digest = chain->sha256().digest(*o.raw);
        f.raw_sha256 = integrity::as_bytes(raw_digest);
      }
      f.attrs = v(attrs);
      // As stored: one row per distinct ID, read back in ID order.
      techniques.assign(o.techniques.begin(), o.techniques.end());
      std::sort(techniques.begin(), techniques.end());
      techniques.erase(std::unique(techniques.begin(), techniques.end()), techniques.end());
      for (const std::string_view t : techniques) f.techniques.push_back({t, v(o.attack_release)});
      if (o.process) {
        const model::ProcessDetails& p = *o.process;
        integrity::ProcessFields pf;
        pf.image = v(p.image);
        pf.image_name = v(image_name);
        pf.command_line = v(p.command_line);
        pf.args = v(args);
        pf.args_source = args ? v(p.args_source) : std::nullopt;
        pf.pid = p.pid;
        pf.guid = v(p.guid);
        pf.parent_image = v(p.parent_image);
        pf.parent_command_line = v(p.parent_command_line);
        pf.parent_pid = p.parent_pid;
        pf.parent_guid = v(p.parent_guid);
        pf.cwd = v(p.cwd);
        pf.logon_id = v(p.logon_id);
        pf.integrity_level = v(p.integrity_level);
        pf.hashes = v(p.hashes);
        pf.user = v(p.user);
        f.process = pf;
      }
      integrity::serialise(f, chain->writer());
      chain->append(integrity::RecordKind::observation, id, number, chain->writer());
    }
  });
  return result;
}

}  // namespace casetrail::store

namespace casetrail::store {

std::int64_t for_each_observation(const Database& db, std::int64_t case_id,
                                  const ObservationFilter& filter,
                                  const std::function<void(const model::ObservationRecord&)>& visit) {
  std::int64_t visited = 0;
  translate_sqlite_errors([&] {
    std::string sql = k_select_observation;
    if (!filter.raw) {
      // Same columns, the verbatim record NULL: read_observation leaves raw empty.
      constexpr std::string_view raw_columns = "o.raw, o.raw_codec";
      sql.replace(sql.find(raw_columns), raw_columns.size(), "NULL, NULL");
    }
    sql += "WHERE o.case_id = :case";
    if (filter.from) sql += " AND o.observed_at >= :from";
    if (filter.to) sql += " AND o.observed_at <= :to";
    if (filter.host) sql += " AND h.canonical = :host";
    if (filter.account) sql += " AND a.canonical = :account";
    if (filter.kind) sql += " AND o.kind = :kind";
    if (filter.status) {
      sql += filter.status == model::Status::unverified ? " AND st.status IS NULL"
                                                        : " AND st.status = :status";
    }
    if (filter.technique) {
      sql += " AND (EXISTS (SELECT 1 FROM observation_technique ot WHERE ot.observation_id = o.id "
             "AND (ot.technique_id = :technique OR ot.technique_id GLOB :technique_sub) "
             "AND NOT EXISTS (SELECT 1 FROM observation_technique_change c WHERE "
             "c.observation_id = o.id AND c.technique_id = ot.technique_id AND c.present = 0)) "
             "OR EXISTS (SELECT 1 FROM observation_technique_change c WHERE "
             "c.observation_id = o.id AND c.present = 1 AND (c.technique_id = :technique OR "
             "c.technique_id GLOB :technique_sub)))";
    }
    sql += " ORDER BY o.observed_at, o.number";
    if (filter.limit) sql += " LIMIT :limit";
    SQLite::Statement s(db.connection(), sql);
    s.bind(":case", static_cast<std::int64_t>(case_id));
    if (filter.from) s.bind(":from", us(*filter.from));
    if (filter.to) s.bind(":to", us(*filter.to));
    if (filter.host) s.bind(":host", *filter.host);
    if (filter.account) s.bind(":account", *filter.account);
    if (filter.kind) s.bind(":kind", std::string(model::to_string(*filter.kind)));
    if (filter.status && filter.status != model::Status::unverified) {
      s.bind(":status", std::string(model::to_string(*filter.status)));
    }
    if (filter.technique) {
      s.bind(":technique", *filter.technique);
      s.bind(":technique_sub", *filter.technique + ".*");
    }
    if (filter.limit) s.bind(":limit", static_cast<std::int64_t>(*filter.limit));
    SQLite::Statement techniques(db.connection(), k_select_techniques);
    TechniqueDescriber describer(db);
    SQLite::Statement links(db.connection(), k_select_same_execution);
    while (s.executeStep()) {
      model::ObservationRecord r = read_observation(s);
      read_techniques(techniques, r);
      describer.describe(r);
      read_links(links, r);
      visit(r);
      ++visited;
    }
  });
  return visited;
}

std::optional<model::ObservationRecord> find_observation(const Database& db, std::int64_t case_id,
                                                         std::int64_t number) {
  std::optional<model::ObservationRecord> found;
  translate_sqlite_errors([&] {
    SQLite::Statement s(db.connection(),
                        std::string(k_select_observation) +
                            "WHERE o.case_id = :case AND o.number = :number");
    s.bind(":case", static_cast<std::int64_t>(case_id));
    s.bind(":number", static_cast<std::int64_t>(number));
    if (!s.executeStep()) return;
    model::ObservationRecord r = read_observation(s);
    SQLite::Statement techniques(db.connection(), k_select_techniques);
    read_techniques(techniques, r);
    TechniqueDescriber(db).describe(r);
    SQLite::Statement links(db.connection(), k_select_same_execution);
    read_links(links, r);
    SQLite::Statement history(db.connection(),
                              "SELECT id, action, field, old_value, new_value, reason, analyst, at "
                              "FROM audit WHERE observation_id = ? ORDER BY id");
    history.bind(1, static_cast<std::int64_t>(r.id));
    while (history.executeStep()) {
      model::AuditEntry e;
      e.id = history.getColumn(0).getInt64();
      e.action = history.getColumn(1).getString();
      e.field = optional_text(history, 2);
      e.old_value = optional_text(history, 3);
      e.new_value = optional_text(history, 4);
      e.reason = optional_text(history, 5);
      e.analyst = history.getColumn(6).getString();
      e.at = from_us(history.getColumn(7).getInt64());
      r.history.push_back(std::move(e));
    }
    found = std::move(r);
  });
  return found;
}

model::ObservationRecord require_observation(const Database& db, std::int64_t case_id,
                                             const std::string& case_key, std::int64_t number) {
  auto found = find_observation(db, case_id, number);
  if (!found) {
    throw Error(ErrorCode::not_found,
                "no observation #" + std::to_string(number) + " in case " + quote(case_key));
  }
  return std::move(*found);
}

model::Status change_status(const Database& db, std::int64_t case_id, const std::string& case_key,
                            std::int64_t number, model::Status status, const std::string& reason,
                            const std::string& analyst, time::UtcTime at) {
  model::Status previous = model::Status::unverified;
  write_transaction(db, [&] {
    SQLite::Database& c = db.connection();
    SQLite::Statement find(c,
                           "SELECT o.id, coalesce(st.status, 'unverified') FROM observation o "
                           "LEFT JOIN observation_state st ON st.observation_id = o.id "
                           "WHERE o.case_id = ? AND o.number = ?");
    find.bind(1, static_cast<std::int64_t>(case_id));
    find.bind(2, static_cast<std::int64_t>(number));
    if (!find.executeStep()) {
      throw Error(ErrorCode::not_found,
                  "no observation #" + std::to_string(number) + " in case " + quote(case_key));
    }
    const std::int64_t id = find.getColumn(0).getInt64();
    previous = *model::parse_status(find.getColumn(1).getString());
    if (previous == status) {
      throw Error(ErrorCode::conflict, "observation #" + std::to_string(number) + " is already " +
                                           std::string(model::to_string(status)));
    }
    NewAudit audit;
    audit.case_id = case_id;
    audit.observation_id = id;
    audit.observation_number = number;
    audit.action = "status";
    audit.field = "status";
    audit.old_value = std::string(model::to_string(previous));
    audit.new_value = std::string(model::to_string(status));
    audit.reason = reason;
    audit.analyst = analyst;
    audit.at = us(at);
    insert_audit(c, audit);
    if (status == model::Status::unverified) {
      SQLite::Statement clear(c, "DELETE FROM observation_state WHERE observation_id = ?");
      clear.bind(1, id);
      clear.exec();
    } else {
      SQLite::Statement set(c,
                            "INSERT INTO observation_state (observation_id, status, changed_at) "
                            "VALUES (?, ?, ?) ON CONFLICT (observation_id) DO UPDATE SET "
                            "status = excluded.status, changed_at = excluded.changed_at");
      set.bind(1, id);
      set.bind(2, std::string(model::to_string(status)));
      set.bind(3, us(at));
      set.exec();
    }
  });
  return previous;
}

}  // namespace casetrail::store
