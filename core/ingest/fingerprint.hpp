#pragma once
// Record fingerprints: what makes importing the same file again, or an
// overlapping export, add nothing (UNIQUE (case_id, fingerprint)).
//
// A fingerprint is a SHA-256, truncated to 128 bits, over the record's source
// identity (for a
// Windows event: channel, computer and EventRecordID where present) and its
// content. The content is part of it even when a record id is present,
// because record ids start again when a log is cleared.
//
// Where the source has no record id (flat JSON from a pipeline that dropped
// it, CSV, NDJSON without ids), two records with equal content are still two
// events when a file holds both (Sysmon writes the same registry event twice
// in one millisecond; the OTRF sample has 46 such pairs). They are told apart
// by their occurrence: the n-th equal record in the file gets n in its
// fingerprint. Importing the same file again, or an export that overlaps it,
// gives the same occurrences, so the import adds nothing; a file holding more
// copies than the case adds the difference. Occurrences are counted within a
// window of the last k_occurrence_window distinct contents, which keeps memory
// constant: equal records further apart than that in one file count as one.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

inline constexpr std::size_t k_occurrence_window = 65536;

// Fingerprints are 16 bytes: SHA-256 cut to 128 bits keeps collisions out of
// reach (the birthday bound is 2^64 records) and halves the UNIQUE index
// every import inserts into at random.
inline constexpr std::size_t k_fingerprint_bytes = 16;

// SHA-256 over length-prefixed parts (no two part lists give the same
// input), truncated to k_fingerprint_bytes.
class Digest {
public:
  Digest();
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  Digest& add(std::string_view part);
  Digest& add(std::int64_t number);
  // The k_fingerprint_bytes digest bytes; the Digest starts again empty.
  std::string finish();

private:
  void* m_ctx;
};

// A record's identity before occurrences: `digest` (16 bytes), and whether
// the source numbered the record (a record id, a document _id), in which case
// equal identities are the same record and no occurrence is added.
struct RecordIdentity {
  std::string digest;
  bool numbered = false;
};

// The identity of a Windows event: channel, computer, EventRecordID when
// present; content: event id and the EventData fields in name order (not
// their order in the container, which pipelines change), and the system time
// when there is no record id.
RecordIdentity windows_event_identity(const WindowsEvent& event);

// Gives each record its final fingerprint, counting occurrences of equal
// unnumbered identities within the window. One per input file.
class OccurrenceCounter {
public:
  std::string fingerprint(const RecordIdentity& identity);

private:
  std::unordered_map<std::uint64_t, std::uint32_t> m_counts;
  std::deque<std::uint64_t> m_order;
};

}  // namespace casetrail::ingest
