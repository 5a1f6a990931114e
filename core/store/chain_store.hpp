#pragma once
// The hash chain in storage: appending links in the same transaction as the
// record they cover, audit records (inserted and chained together), and
// reading a case's chain back with each record as it is now, for verify.
// docs/INTEGRITY.md describes the chain; core/integrity holds the hashing.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/integrity/canonical.hpp"
#include "core/integrity/chain.hpp"
#include "core/integrity/records.hpp"
#include "core/store/database.hpp"

namespace SQLite {
class Database;
class Statement;
}

namespace casetrail::store {

// Whether appends are chained. `off` exists only so that bench/chain_cost can
// measure what the chain costs; nothing in the CLI can choose it, and a case
// appended with it does not verify.
enum class ChainMode { on, off };

// Appends links to one case's chain. Create it inside the write transaction
// that writes the records (the head it reads stays valid only while that
// transaction holds the write lock).
class ChainWriter {
public:
  ChainWriter(SQLite::Database& connection, std::int64_t case_id);
  ~ChainWriter();
  ChainWriter(const ChainWriter&) = delete;
  ChainWriter& operator=(const ChainWriter&) = delete;

  // Chains the record serialised in `record` (kind, its row id, and the
  // observation number it concerns, if any). Returns the new link's hash.
  const integrity::Digest& append(integrity::RecordKind kind, std::int64_t record_id,
                                  std::optional<std::int64_t> number,
                                  const integrity::CanonicalWriter& record);

  // A writer and a hasher the caller may reuse for serialising.
  integrity::CanonicalWriter& writer() { return m_writer; }
  integrity::Sha256& sha256() { return m_sha256; }

  std::int64_t seq() const { return m_seq; }
  const integrity::Digest& head() const { return m_head; }

private:
  std::int64_t m_case_id;
  std::int64_t m_seq = 0;
  integrity::Digest m_head{};
  integrity::CanonicalWriter m_writer;
  integrity::Sha256 m_sha256;
  std::unique_ptr<SQLite::Statement> m_insert;
};

// An audit record as written by the store's use cases.
struct NewAudit {
  std::int64_t case_id = 0;
  std::optional<std::int64_t> observation_id;      // row id
  std::optional<std::int64_t> observation_number;  // its number, for the chain
  std::string action;
  std::optional<std::string> field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::optional<std::string> reason;
  std::string analyst;
  std::int64_t at = 0;
  std::optional<std::string> attack_release;
};

// Inserts an audit record and chains it, inside the caller's transaction.
// Returns its row id.
std::int64_t insert_audit(SQLite::Database& connection, const NewAudit& audit);

// Chains the case record of a case just created (its first link).
void chain_new_case(SQLite::Database& connection, std::int64_t case_id);

// Chains, case by case, every record that no link names yet: run once, in the
// migration's transaction, when the chain is introduced into a database that
// already holds cases (order: case, import runs, observations, audit records,
// each by row id).
void chain_backfill(SQLite::Database& connection);

// One stored link.
struct StoredLink {
  std::int64_t seq = 0;
  integrity::RecordKind kind = integrity::RecordKind::observation;
  std::int64_t record_id = 0;
  std::optional<std::int64_t> number;
  std::string hash;  // as stored (32 bytes unless tampered)
  std::string tags;  // as stored
};

// A record as it is now, serialised canonically.
struct CurrentRecord {
  bool exists = false;
  std::optional<std::int64_t> number;  // observation number (of the record, or the audit's)
  std::string_view canonical;
  // Set when the scan defers the raw record's digest (scan_case_chain's
  // `defer_raw_digest`): `canonical` holds 32 zero bytes at `digest_at`
  // where SHA-256 of the raw record's decoded bytes goes. `stored` is the
  // raw record as stored (a zstd frame when `zstd`); a frame that does not
  // decode is hashed as its stored bytes, so the record fails its hash.
  struct DeferredRaw {
    // The scan's copy: the visitor may take it (swap in a buffer of its own).
    std::string* stored = nullptr;
    bool zstd = false;
    std::size_t digest_at = 0;
  };
  std::optional<DeferredRaw> raw;
};

class ChainVisitor {
public:
  virtual ~ChainVisitor() = default;
  // Each link of the case in seq order, with the record it names as it is now.
  virtual void link(const StoredLink& link, const CurrentRecord& record) = 0;
  // Each record of the case that no link names, after all links.
  virtual void unchained(integrity::RecordKind kind, std::int64_t record_id,
                         std::optional<std::int64_t> number) = 0;
};

// SHA-256 of a raw record as chained: of its decoded bytes when it is stored
// as a zstd frame (`zstd`), decoded into `scratch`. A frame that does not
// decode is hashed as its stored bytes, so the record fails verification
// instead of stopping it.
integrity::Digest stored_raw_digest(integrity::Sha256& sha256, std::string_view stored, bool zstd,
                                    std::string& scratch);

// Reads a case's chain and its records in one read transaction (a consistent
// snapshot while other processes write). With `defer_raw_digest` the raw
// records are neither decoded nor hashed here: each observation comes with
// its stored raw bytes for the visitor to digest (CurrentRecord::raw), which
// lets verify spread that work over threads. Throws Error(database).
void scan_case_chain(const Database& db, std::int64_t case_id, ChainVisitor& visitor,
                     bool defer_raw_digest = false);

// Calls `visit` for each link of a case in chain order (for exports, which
// carry each record's position and hash). Throws Error(database).
void for_each_chain_link(const Database& db, std::int64_t case_id,
                         const std::function<void(const StoredLink&)>& visit);

// The last link of a case: its seq (0 when none) and hash.
struct ChainHead {
  std::int64_t seq = 0;
  std::optional<integrity::Digest> hash;
};
ChainHead chain_head(const Database& db, std::int64_t case_id);

}  // namespace casetrail::store
