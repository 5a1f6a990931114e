// Windows .evtx files through libevtx.
//
// Layout (https://github.com/libyal/libevtx/blob/main/documentation/Windows%20XML%20Event%20Log%20(EVTX).asciidoc):
// a 4096-byte file header ("ElfFile\0"), then 64 KiB chunks ("ElfChnk\0"),
// each a 512-byte header (record id range, free space offset, CRC-32 of the
// header and of the records) and records ("**\0\0", size, id, binary XML).
//
// libevtx decodes the records and renders their XML; it says whether a file
// is corrupted, but not where. So the reader also walks the chunk headers
// itself (checksums with zlib's crc32, the id range each chunk holds) and, at
// the end, reports every record a chunk lists that was neither read nor
// rejected, and every damaged chunk whose damage no rejected record already
// reported. libevtx cannot read a chunk the file ends inside; the file is
// therefore served to it through a libbfio handle that pads the last chunk
// with zeros, so that the records before the cut are still read.

#include <fcntl.h>
#include <libevtx.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/ingest/windows_event_xml.hpp"

namespace casetrail::ingest {

namespace {

constexpr std::uint64_t k_file_header_size = 4096;
constexpr std::uint64_t k_chunk_size = 65536;
constexpr std::uint64_t k_chunk_header_size = 512;
constexpr std::uint64_t k_record_header_size = 24;
// A chunk cannot hold more records than this (each is at least 24 bytes plus
// its XML); a wider id range in a header is damage.
constexpr std::uint64_t k_max_records_per_chunk = (k_chunk_size - k_chunk_header_size) / 24;

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::uint64_t le64(const unsigned char* p) {
  return static_cast<std::uint64_t>(le32(p)) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

std::string hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string hex32(std::uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", value);
  return buf;
}

std::uint32_t crc32_of(std::uint32_t crc, const unsigned char* data, std::size_t size) {
  return static_cast<std::uint32_t>(::crc32(crc, data, static_cast<uInt>(size)));
}

// --- the file, zero-padded to whole chunks, as a libbfio handle -------------

struct PaddedFile {
  std::string path;
  std::uint64_t real_size = 0;
  std::uint64_t padded_size = 0;
  std::uint64_t offset = 0;
  int fd = -1;
};

PaddedFile* padded(intptr_t* io_handle) { return reinterpret_cast<PaddedFile*>(io_handle); }

int padded_free(intptr_t** io_handle, libbfio_error_t** /*error*/) {
  if (io_handle == nullptr) return -1;
  PaddedFile* file = padded(*io_handle);
  if (file != nullptr && file->fd >= 0) ::close(file->fd);
  delete file;
  *io_handle = nullptr;
  return 1;
}

int padded_clone(intptr_t** destination, intptr_t* source, libbfio_error_t** /*error*/) {
  if (destination == nullptr || source == nullptr) return -1;
  auto* copy = new PaddedFile(*padded(source));
  copy->fd = -1;
  copy->offset = 0;
  *destination = reinterpret_cast<intptr_t*>(copy);
  return 1;
}

int padded_open(intptr_t* io_handle, int access_flags, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  if (file == nullptr || (access_flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0) return -1;
  if (file->fd >= 0) return 1;
  file->fd = ::open(file->path.c_str(), O_RDONLY | O_CLOEXEC);
  file->offset = 0;
  return file->fd >= 0 ? 1 : -1;
}

int padded_close(intptr_t* io_handle, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  if (file == nullptr) return -1;
  if (file->fd >= 0) ::close(file->fd);
  file->fd = -1;
  return 0;
}

ssize_t padded_read(intptr_t* io_handle, uint8_t* buffer, size_t size, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  if (file == nullptr || file->fd < 0 || buffer == nullptr) return -1;
  if (file->offset >= file->padded_size) return 0;
  size = static_cast<size_t>(std::min<std::uint64_t>(size, file->padded_size - file->offset));
  std::size_t done = 0;
  while (done < size && file->offset + done < file->real_size) {
    const auto want = static_cast<size_t>(
        std::min<std::uint64_t>(size - done, file->real_size - (file->offset + done)));
    const ssize_t got = ::pread(file->fd, buffer + done, want, static_cast<off_t>(file->offset + done));
    if (got < 0) return -1;
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  std::memset(buffer + done, 0, size - done);
  file->offset += size;
  return static_cast<ssize_t>(size);
}

ssize_t padded_write(intptr_t*, const uint8_t*, size_t, libbfio_error_t**) { return -1; }

off64_t padded_seek(intptr_t* io_handle, off64_t offset, int whence, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  if (file == nullptr) return -1;
  std::int64_t base = 0;
  if (whence == SEEK_CUR) {
    base = static_cast<std::int64_t>(file->offset);
  } else if (whence == SEEK_END) {
    base = static_cast<std::int64_t>(file->padded_size);
  } else if (whence != SEEK_SET) {
    return -1;
  }
  const std::int64_t target = base + offset;
  if (target < 0) return -1;
  file->offset = static_cast<std::uint64_t>(target);
  return target;
}

int padded_exists(intptr_t* io_handle, libbfio_error_t** /*error*/) {
  return padded(io_handle) != nullptr ? 1 : 0;
}

int padded_is_open(intptr_t* io_handle, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  return file != nullptr && file->fd >= 0 ? 1 : 0;
}

int padded_get_size(intptr_t* io_handle, size64_t* size, libbfio_error_t** /*error*/) {
  PaddedFile* file = padded(io_handle);
  if (file == nullptr || size == nullptr) return -1;
  *size = file->padded_size;
  return 1;
}

// --- libevtx / libbfio resources ------------------------------------------

// The deepest cause in a libyal error backtrace, without the function name
// and the final period; frees the error.
struct LibError {
  std::string cause;
  std::string backtrace;
};

LibError take_error(libevtx_error_t*& error) {
  LibError result;
  if (error == nullptr) return result;
  std::string buf(64 * 1024, '\0');
  int n = libevtx_error_backtrace_sprint(error, buf.data(), buf.size());
  if (n <= 0) n = libevtx_error_sprint(error, buf.data(), buf.size());
  libevtx_error_free(&error);
  if (n <= 0) return result;
  buf.resize(std::strlen(buf.c_str()));
  result.backtrace = buf;
  std::string first = buf.substr(0, buf.find('\n'));
  if (const auto colon = first.find(": "); colon != std::string::npos) first.erase(0, colon + 2);
  while (!first.empty() && (first.back() == '.' || first.back() == ' ')) first.pop_back();
  result.cause = first;
  return result;
}

// libfdata names the file offset of the element it failed to read:
// "... unable to read element data at offset: 0x000020c0."
std::optional<std::uint64_t> offset_in(const std::string& backtrace) {
  const std::string marker = "at offset: 0x";
  const auto at = backtrace.find(marker);
  if (at == std::string::npos) return std::nullopt;
  std::uint64_t value = 0;
  std::size_t i = at + marker.size();
  std::size_t digits = 0;
  for (; i < backtrace.size() && digits < 16; ++i, ++digits) {
    const char c = backtrace[i];
    int d = 0;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      break;
    }
    value = value * 16 + static_cast<std::uint64_t>(d);
  }
  if (digits == 0) return std::nullopt;
  return value;
}

struct RecordDeleter {
  void operator()(libevtx_record_t* record) const {
    libevtx_error_t* error = nullptr;
    libevtx_record_free(&record, &error);
    if (error != nullptr) libevtx_error_free(&error);
  }
};
using RecordPtr = std::unique_ptr<libevtx_record_t, RecordDeleter>;

// What the reader's own walk found in one chunk.
struct ChunkInfo {
  std::uint64_t index = 0;
  std::uint64_t offset = 0;
  bool unused = false;  // all zeros: never written
  // Record ids the header says the chunk holds, when plausible.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> ids;
  std::uint32_t free_space_offset = 0;
  bool free_space_known = false;
  std::string defect;  // empty when sound
  bool reported = false;  // a rejected item already named the defect
};

// Sorted, merged ranges of record ids already accounted for.
class IdSet {
public:
  void add(std::uint64_t id) {
    if (!m_ranges.empty() && m_ranges.back().second + 1 == id) {
      ++m_ranges.back().second;
    } else {
      m_ranges.emplace_back(id, id);
      m_sorted = m_ranges.size() <= 1 ||
                 (m_sorted && m_ranges[m_ranges.size() - 2].second < id);
    }
  }
  bool contains(std::uint64_t id) {
    normalise();
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), id,
                               [](std::uint64_t v, const auto& r) { return v < r.first; });
    return it != m_ranges.begin() && std::prev(it)->second >= id;
  }

private:
  void normalise() {
    if (m_sorted) return;
    std::sort(m_ranges.begin(), m_ranges.end());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
    for (const auto& r : m_ranges) {
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    m_ranges = std::move(merged);
    m_sorted = true;
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_ranges;
  bool m_sorted = true;
};

class EvtxReader final : public RecordReader {
public:
  EvtxReader(const std::string& path, const ReaderOptions& options)
      : m_path(path), m_display(options.display_path.empty() ? path : options.display_path) {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) throw Error(ErrorCode::io, "cannot open " + quote(m_display));
    const off_t size = ::lseek(m_fd, 0, SEEK_END);
    m_size = size < 0 ? 0 : static_cast<std::uint64_t>(size);
    unsigned char signature[8] = {};
    if (m_size < 8 || !read_at(0, signature, 8) || std::memcmp(signature, "ElfFile", 8) != 0) {
      ::close(m_fd);
      throw Error(ErrorCode::io, "cannot read " + quote(m_display) +
                                     ": not a Windows .evtx file (no ElfFile signature)");
    }
    if (m_size < k_file_header_size) {
      ::close(m_fd);
      throw Error(ErrorCode::io, "cannot read " + quote(m_display) + ": truncated .evtx file (" +
                                     std::to_string(m_size) + " bytes, shorter than its " +
                                     std::to_string(k_file_header_size) + "-byte header)");
    }
    unsigned char header[128];
    if (!read_at(0, header, sizeof header)) {
      ::close(m_fd);
      throw Error(ErrorCode::io, "cannot read " + quote(m_display));
    }
    m_header_crc_stored = le32(header + 124);
    m_header_crc = crc32_of(0, header, 120);
    m_header_chunks = static_cast<std::uint64_t>(header[42]) | (static_cast<std::uint64_t>(header[43]) << 8);
    try {
      walk_chunks();
      open_libevtx();
    } catch (...) {
      release();
      throw;
    }
  }

  ~EvtxReader() override { release(); }

  EvtxReader(const EvtxReader&) = delete;
  EvtxReader& operator=(const EvtxReader&) = delete;

  std::optional<ReadItem> next() override {
    while (m_ready.empty()) {
      if (m_next_record < m_records) {
        read_record(m_next_record++, false);
      } else if (m_next_recovered < m_recovered) {
        read_record(m_next_recovered++, true);
      } else if (!m_reconciled) {
        reconcile();
        m_reconciled = true;
      } else {
        return std::nullopt;
      }
    }
    ReadItem item = std::move(m_ready.front());
    m_ready.pop_front();
    return item;
  }

  std::uint64_t bytes_read() const override {
    const std::uint64_t total = static_cast<std::uint64_t>(m_records) + m_recovered;
    if (m_reconciled || total == 0) return m_size;
    const std::uint64_t done = static_cast<std::uint64_t>(m_next_record) + m_next_recovered;
    return m_size * done / total;
  }

private:
  bool read_at(std::uint64_t offset, unsigned char* buffer, std::size_t size) const {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t got = ::pread(m_fd, buffer + done, size - done, static_cast<off_t>(offset + done));
      if (got <= 0) return false;
      done += static_cast<std::size_t>(got);
    }
    return true;
  }

  // Checks every chunk header and checksum, as libevtx does, but keeps where.
  void walk_chunks() {
    std::vector<unsigned char> data(k_chunk_size);
    for (std::uint64_t offset = k_file_header_size, index = 0; offset < m_size;
         offset += k_chunk_size, ++index) {
      ChunkInfo chunk;
      chunk.index = index;
      chunk.offset = offset;
      const auto present = static_cast<std::size_t>(std::min(k_chunk_size, m_size - offset));
      if (!read_at(offset, data.data(), present)) {
        throw Error(ErrorCode::io, "cannot read " + quote(m_display) + " at offset " + hex(offset));
      }
      std::vector<std::string> defects;
      if (present < k_chunk_size) {
        defects.push_back("the file ends inside this chunk (" + std::to_string(present) + " of " +
                          std::to_string(k_chunk_size) + " bytes present)");
      }
      if (std::all_of(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(present),
                      [](unsigned char b) { return b == 0; })) {
        chunk.unused = true;
        m_chunks.push_back(std::move(chunk));
        continue;
      }
      if (present < 8 || std::memcmp(data.data(), "ElfChnk", 8) != 0) {
        defects.push_back("no ElfChnk signature");
      }
      // The header's fields are still used when the signature is damaged:
      // the id range is checked for plausibility, the checksums say the rest.
      if (present >= k_chunk_header_size) {
        const unsigned char* h = data.data();
        std::uint32_t header_crc = crc32_of(0, h, 120);
        header_crc = crc32_of(header_crc, h + 128, k_chunk_header_size - 128);
        if (header_crc != le32(h + 124)) {
          defects.push_back("chunk header checksum mismatch (stored " + hex32(le32(h + 124)) +
                            ", computed " + hex32(header_crc) + ")");
        }
        const std::uint64_t first = le64(h + 24);
        const std::uint64_t last = le64(h + 32);
        if (last >= first && last - first < k_max_records_per_chunk) chunk.ids.emplace(first, last);
        const std::uint32_t free_space = le32(h + 48);
        if (free_space < k_chunk_header_size || free_space > k_chunk_size) {
          defects.push_back("invalid free space offset " + std::to_string(free_space));
        } else {
          chunk.free_space_offset = free_space;
          chunk.free_space_known = true;
          if (present == k_chunk_size) {
            const std::uint32_t records_crc =
                crc32_of(0, h + k_chunk_header_size, free_space - k_chunk_header_size);
            if (records_crc != le32(h + 52)) {
              defects.push_back("event records checksum mismatch (stored " + hex32(le32(h + 52)) +
                                ", computed " + hex32(records_crc) + ")");
            }
          }
        }
      }
      for (const auto& d : defects) {
        if (!chunk.defect.empty()) chunk.defect += "; ";
        chunk.defect += d;
      }
      m_chunks.push_back(std::move(chunk));
    }
  }

  void open_libevtx() {
    auto* io = new PaddedFile;
    io->path = m_path;
    io->real_size = m_size;
    const std::uint64_t chunks = (m_size - k_file_header_size + k_chunk_size - 1) / k_chunk_size;
    io->padded_size = k_file_header_size + chunks * k_chunk_size;
    libbfio_error_t* bfio_error = nullptr;
    if (libbfio_handle_initialize(&m_bfio, reinterpret_cast<intptr_t*>(io), padded_free,
                                  padded_clone, padded_open, padded_close, padded_read,
                                  padded_write, padded_seek, padded_exists, padded_is_open,
                                  padded_get_size,
                                  LIBBFIO_FLAG_IO_HANDLE_MANAGED |
                                      LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
                                  &bfio_error) != 1) {
      if (bfio_error != nullptr) libbfio_error_free(&bfio_error);
      delete io;
      m_bfio = nullptr;
      throw Error(ErrorCode::io, "cannot read " + quote(m_display) + ": libbfio handle failed");
    }
    libevtx_error_t* error = nullptr;
    if (libevtx_file_initialize(&m_file, &error) != 1) {
      throw Error(ErrorCode::io, "cannot read " + quote(m_display) + ": " + take_error(error).cause);
    }
    if (libevtx_file_open_file_io_handle(m_file, m_bfio, LIBEVTX_OPEN_READ, &error) != 1) {
      throw Error(ErrorCode::io,
                  "cannot read " + quote(m_display) + " as .evtx: " + take_error(error).cause);
    }
    m_opened = true;
    if (libevtx_file_get_number_of_records(m_file, &m_records, &error) != 1 ||
        libevtx_file_get_number_of_recovered_records(m_file, &m_recovered, &error) != 1) {
      throw Error(ErrorCode::io, "cannot read " + quote(m_display) + ": " + take_error(error).cause);
    }
  }

  void release() {
    libevtx_error_t* error = nullptr;
    if (m_file != nullptr) {
      if (m_opened && libevtx_file_close(m_file, &error) != 0 && error != nullptr) {
        libevtx_error_free(&error);
      }
      if (libevtx_file_free(&m_file, &error) != 1 && error != nullptr) libevtx_error_free(&error);
      m_file = nullptr;
    }
    if (m_bfio != nullptr) {
      libbfio_error_t* bfio_error = nullptr;
      if (libbfio_handle_free(&m_bfio, &bfio_error) != 1 && bfio_error != nullptr) {
        libbfio_error_free(&bfio_error);
      }
      m_bfio = nullptr;
    }
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }

  ChunkInfo* chunk_at_offset(std::uint64_t offset) {
    if (offset < k_file_header_size) return nullptr;
    const std::uint64_t index = (offset - k_file_header_size) / k_chunk_size;
    return index < m_chunks.size() ? &m_chunks[index] : nullptr;
  }

  ChunkInfo* chunk_holding(std::uint64_t id) {
    for (auto& chunk : m_chunks) {
      if (chunk.ids && chunk.ids->first <= id && id <= chunk.ids->second) return &chunk;
    }
    return nullptr;
  }

  // The record's bytes at `offset` when a record header is there: its id and
  // its bytes (bounded by its chunk).
  std::optional<std::pair<std::uint64_t, std::string>> record_at(std::uint64_t offset) {
    const ChunkInfo* chunk = chunk_at_offset(offset);
    if (chunk == nullptr || offset + k_record_header_size > std::min(m_size, chunk->offset + k_chunk_size)) {
      return std::nullopt;
    }
    unsigned char header[k_record_header_size];
    if (!read_at(offset, header, sizeof header) || std::memcmp(header, "**\0\0", 4) != 0) {
      return std::nullopt;
    }
    const std::uint64_t end = std::min(m_size, chunk->offset + k_chunk_size);
    const std::uint64_t size = std::min<std::uint64_t>(le32(header + 4), end - offset);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (size >= k_record_header_size &&
        !read_at(offset, reinterpret_cast<unsigned char*>(bytes.data()), bytes.size())) {
      bytes.clear();
    }
    return std::make_pair(le64(header + 8), std::move(bytes));
  }

  // "<file> chunk 0 record #2 (offset 0x20c0)"
  std::string record_place(const ChunkInfo* chunk, std::optional<std::uint64_t> id,
                           std::optional<std::uint64_t> offset) const {
    std::string place = m_display;
    if (chunk != nullptr) place += " chunk " + std::to_string(chunk->index);
    if (id) place += " record #" + std::to_string(*id);
    if (offset) place += (chunk != nullptr || id) ? " (offset " + hex(*offset) + ")"
                                                   : " offset " + hex(*offset);
    return place;
  }

  // The chunk's defect appended to a reason, once it is reported.
  std::string with_defect(std::string reason, ChunkInfo* chunk) {
    if (chunk != nullptr && !chunk->defect.empty()) {
      reason += " (chunk " + std::to_string(chunk->index) + ": " + chunk->defect + ")";
      chunk->reported = true;
    }
    return reason;
  }

  void push_rejected(std::string place, std::string raw, std::string reason) {
    ReadItem item;
    item.type = ReadItem::Type::rejected;
    item.place = std::move(place);
    item.raw = std::move(raw);
    item.reason = std::move(reason);
    m_ready.push_back(std::move(item));
  }

  void read_record(int index, bool recovered) {
    libevtx_error_t* error = nullptr;
    libevtx_record_t* raw_record = nullptr;
    const int status = recovered
                           ? libevtx_file_get_recovered_record_by_index(m_file, index, &raw_record, &error)
                           : libevtx_file_get_record_by_index(m_file, index, &raw_record, &error);
    RecordPtr record(raw_record);
    if (status != 1 || record == nullptr) {
      record_failed(take_error(error), recovered, index);
      return;
    }

    std::uint64_t id = 0;
    if (libevtx_record_get_identifier(record.get(), &id, &error) != 1) {
      record_failed(take_error(error), recovered, index);
      return;
    }
    if (recovered && m_seen.contains(id)) return;  // a copy of a record already read

    std::size_t size = 0;
    if (libevtx_record_get_utf8_xml_string_size(record.get(), &size, &error) != 1 || size == 0) {
      record_failed(take_error(error), recovered, index, id);
      return;
    }
    std::string xml(size, '\0');
    if (libevtx_record_get_utf8_xml_string(record.get(), reinterpret_cast<uint8_t*>(xml.data()),
                                           size, &error) != 1) {
      record_failed(take_error(error), recovered, index, id);
      return;
    }
    xml.resize(std::strlen(xml.c_str()));
    m_seen.add(id);

    auto event = parse_windows_event_xml(xml);
    if (!event) {
      ChunkInfo* chunk = chunk_holding(id);
      push_rejected(record_place(chunk, id, std::nullopt), std::move(xml),
                    with_defect("the record's XML cannot be read: " + event.error(), chunk));
      return;
    }
    ReadItem item;
    item.type = ReadItem::Type::windows_event;
    item.place = m_display + " record " +
                 (event->record_id ? std::to_string(*event->record_id) : "#" + std::to_string(id)) +
                 (recovered ? " (recovered)" : "");
    item.raw = std::move(xml);
    item.windows_event = std::move(*event);
    m_ready.push_back(std::move(item));
  }

  void record_failed(const LibError& error, bool recovered, int index,
                     std::optional<std::uint64_t> id = std::nullopt) {
    const auto offset = offset_in(error.backtrace);
    std::string raw;
    ChunkInfo* chunk = nullptr;
    if (offset) {
      chunk = chunk_at_offset(*offset);
      if (auto found = record_at(*offset)) {
        if (!id) id = found->first;
        raw = std::move(found->second);
      }
    }
    if (chunk == nullptr && id) chunk = chunk_holding(*id);
    // A damaged copy of a record already read loses nothing.
    if (recovered && id && m_seen.contains(*id)) return;

    // A remnant in a chunk's free space is an old record partly overwritten:
    // libevtx finds it but its templates are gone. It is not part of the log.
    if (recovered && offset && chunk != nullptr && chunk->free_space_known &&
        *offset >= chunk->offset + chunk->free_space_offset &&
        !(id && chunk->ids && chunk->ids->first <= *id && *id <= chunk->ids->second)) {
      ReadItem item;
      item.type = ReadItem::Type::skipped;
      item.place = record_place(chunk, id, offset);
      item.raw = std::move(raw);
      item.skipped_source = "evtx unreadable record remnant";
      item.reason = "libevtx cannot decode it: " + error.cause;
      m_ready.push_back(std::move(item));
      return;
    }
    if (id) m_seen.add(*id);
    std::string place = record_place(chunk, id, offset);
    if (!offset && !id) {
      place = m_display + (recovered ? " recovered record index " : " record index ") +
              std::to_string(index);
    }
    push_rejected(std::move(place), std::move(raw),
                  with_defect("libevtx cannot decode the record: " + error.cause, chunk));
  }

  // Records a chunk header lists that were neither read nor rejected, then
  // damaged chunks nothing has reported yet, then damage to the file header
  // and chunks the file header lists but the file does not hold.
  void reconcile() {
    for (auto& chunk : m_chunks) {
      if (chunk.unused || !chunk.ids) continue;
      std::vector<unsigned char> data;
      for (std::uint64_t n = 0; n <= chunk.ids->second - chunk.ids->first; ++n) {
        const std::uint64_t id = chunk.ids->first + n;
        if (m_seen.contains(id)) continue;
        if (data.empty()) {
          data.resize(static_cast<std::size_t>(std::min(k_chunk_size, m_size - chunk.offset)));
          if (!read_at(chunk.offset, data.data(), data.size())) data.clear();
        }
        std::string raw;
        std::optional<std::uint64_t> offset;
        // Find the record's header in the chunk, for its bytes and its place.
        for (std::size_t at = k_chunk_header_size; at + k_record_header_size <= data.size(); at += 8) {
          if (std::memcmp(&data[at], "**\0\0", 4) == 0 && le64(&data[at + 8]) == id) {
            const std::size_t size = std::min<std::size_t>(le32(&data[at + 4]), data.size() - at);
            raw.assign(reinterpret_cast<const char*>(&data[at]), size);
            offset = chunk.offset + at;
            break;
          }
        }
        push_rejected(record_place(&chunk, id, offset), std::move(raw),
                      with_defect("the chunk lists record #" + std::to_string(id) +
                                      " but it cannot be read",
                                  &chunk));
      }
    }
    for (auto& chunk : m_chunks) {
      if (chunk.unused || chunk.defect.empty() || chunk.reported) continue;
      std::vector<unsigned char> header(
          static_cast<std::size_t>(std::min(k_chunk_header_size, m_size - chunk.offset)));
      std::string raw;
      if (read_at(chunk.offset, header.data(), header.size())) {
        raw.assign(reinterpret_cast<const char*>(header.data()), header.size());
      }
      push_rejected(m_display + " chunk " + std::to_string(chunk.index) + " (offset " +
                        hex(chunk.offset) + ")",
                    std::move(raw),
                    chunk.defect + (chunk.ids ? ": its records were read, but their bytes may not be "
                                                "the ones written"
                                              : ": the records in it cannot be counted"));
      chunk.reported = true;
    }
    if (m_header_crc != m_header_crc_stored) {
      std::string raw(k_file_header_size, '\0');
      if (!read_at(0, reinterpret_cast<unsigned char*>(raw.data()), raw.size())) raw.clear();
      push_rejected(m_display + " file header", std::move(raw),
                    "file header checksum mismatch (stored " + hex32(m_header_crc_stored) +
                        ", computed " + hex32(m_header_crc) + ")");
    }
    if (m_header_chunks > m_chunks.size()) {
      const std::uint64_t first_missing = m_chunks.size();
      push_rejected(m_display + " chunk " + std::to_string(first_missing) + " (offset " +
                        hex(k_file_header_size + first_missing * k_chunk_size) + ")",
                    "",
                    "the file ends before this chunk: the file header lists " +
                        std::to_string(m_header_chunks) + " chunks, the file holds " +
                        std::to_string(first_missing));
    }
  }

  std::string m_path;
  std::string m_display;
  int m_fd = -1;
  std::uint64_t m_size = 0;
  std::vector<ChunkInfo> m_chunks;
  std::uint32_t m_header_crc = 0;
  std::uint32_t m_header_crc_stored = 0;
  std::uint64_t m_header_chunks = 0;
  libbfio_handle_t* m_bfio = nullptr;
  libevtx_file_t* m_file = nullptr;
  bool m_opened = false;
  int m_records = 0;
  int m_recovered = 0;
  int m_next_record = 0;
  int m_next_recovered = 0;
  bool m_reconciled = false;
  IdSet m_seen;
  std::deque<ReadItem> m_ready;
};

}  // namespace

std::unique_ptr<RecordReader> make_evtx_reader(const std::string& path,
                                               const ReaderOptions& options) {
  return std::make_unique<EvtxReader>(path, options);
}

}  // namespace casetrail::ingest
