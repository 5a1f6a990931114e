#include "core/export/evidence_text.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/util/encoding.hpp"

namespace casetrail::exporting {
namespace {

// Length of the valid UTF-8 sequence starting at `p`, or 0 when invalid
// (same rules as util::is_valid_utf8: no overlongs, surrogates or code points
// beyond U+10FFFF).
std::size_t sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  if (c < 0x80) return 1;
  std::size_t extra = 0;
  unsigned int cp = 0;
  unsigned int min = 0;
  if ((c & 0xe0) == 0xc0) {
    extra = 1, cp = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    extra = 2, cp = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    extra = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) <= extra) return 0;
  for (std::size_t i = 1; i <= extra; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return extra + 1;
}

std::string attr_value(const model::ObservationRecord& r, const char* key) {
  if (!r.attrs_json) return {};
  const auto attrs = nlohmann::json::parse(*r.attrs_json, nullptr, false);
  if (!attrs.is_object()) return {};
  const auto it = attrs.find(key);
  if (it == attrs.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("base64") && it->at("base64").is_string()) {
    return util::base64_decode(it->at("base64").get<std::string>()).value_or("");
  }
  return {};
}

}  // namespace

std::string lossy_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    const std::size_t n = sequence_length(p, end);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    }
  }
  return out;
}

bool needs_exact_twin(std::string_view bytes) {
  return bytes.find('\0') != std::string_view::npos || !util::is_valid_utf8(bytes);
}

std::string display_text(std::string_view bytes, std::size_t limit) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t points = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    if (limit != 0 && points == limit) {
      out += "...";
      break;
    }
    ++points;
    const std::size_t n = sequence_length(p, end);
    const unsigned char c = *p;
    if (n == 1 && (c < 0x20 || c == 0x7f)) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      }
      ++p;
    } else if (n == 0) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    }
  }
  return out;
}

std::string what_text(const model::ObservationRecord& r, std::size_t limit) {
  if (r.process && r.process->command_line) return display_text(*r.process->command_line, limit);
  std::string what;
  switch (r.kind) {
    case model::Kind::logon: {
      const auto type = attr_value(r, "logon_type");
      const auto from = attr_value(r, "source_address");
      const auto event = attr_value(r, "event");
      what = event.empty() ? "logon" : event;
      if (!type.empty()) what += " type " + type;
      if (!from.empty() && from != "-") what += " from " + from;
      break;
    }
    case model::Kind::network: {
      const auto host = attr_value(r, "destination_hostname");
      const auto ip = attr_value(r, "destination_ip");
      const auto port = attr_value(r, "destination_port");
      if (!host.empty() || !ip.empty()) {
        what = "to " + (host.empty() ? ip : host) + (port.empty() ? "" : ":" + port);
      }
      break;
    }
    case model::Kind::file: what = attr_value(r, "target_filename"); break;
    case model::Kind::registry: what = attr_value(r, "target_object"); break;
    case model::Kind::dns: what = attr_value(r, "query_name"); break;
    case model::Kind::image_load: what = attr_value(r, "image_loaded"); break;
    default: break;
  }
  if (what.empty() && r.process && r.process->image) what = *r.process->image;
  if (what.empty() && r.note) what = *r.note;
  if (what.empty()) return "-";
  return display_text(what, limit);
}

std::string_view kind_label(model::Kind kind) {
  switch (kind) {
    case model::Kind::process: return "process start";
    case model::Kind::logon: return "logon";
    case model::Kind::network: return "network connection";
    case model::Kind::file: return "file event";
    case model::Kind::registry: return "registry event";
    case model::Kind::dns: return "dns query";
    case model::Kind::image_load: return "image load";
    case model::Kind::email: return "email";
    case model::Kind::web: return "web request";
    case model::Kind::note: return "note";
  }
  return "observation";
}

std::string message_line(const model::ObservationRecord& r) {
  std::string line = "#" + std::to_string(r.number) + " " + std::string(model::to_string(r.status)) +
                     " " + std::string(model::to_string(r.kind)) + " on " + r.host;
  if (r.account) line += " by " + display_text(*r.account);
  line += ": " + what_text(r);
  if (r.process && r.process->command_line && needs_exact_twin(*r.process->command_line)) {
    line += " [command line not valid UTF-8 text: exact bytes in command_line_base64]";
  }
  if (!r.techniques.empty()) {
    line += " [";
    for (std::size_t i = 0; i < r.techniques.size(); ++i) {
      if (i > 0) line += "; ";
      line += r.techniques[i].id;
      if (r.techniques[i].name) line += " " + *r.techniques[i].name;
    }
    line += "]";
  }
  return line;
}

}  // namespace casetrail::exporting
