#include "core/ingest/windows_event_xml.hpp"

#include <charconv>
#include <cstdint>
#include <string>

#include <pugixml.hpp>

namespace casetrail::ingest {

namespace {

// The element name without a namespace prefix ("e:System" -> "System").
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && local_name(child) == name) return child;
  }
  return {};
}

// The element's own text: its character data and CDATA children joined, so
// that "a<![CDATA[<b>]]>c" reads as "a<b>c".
std::string text_of(const pugi::xml_node& element) {
  std::string text;
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return text;
}

bool has_element_children(const pugi::xml_node& node) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

template <typename Int>
bool parse_int(std::string_view text, Int& value) {
  text = trim(text);
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end;
}

// UserData holds one provider-defined element; its leaves are the fields.
void collect_user_data(const pugi::xml_node& node, const std::string& prefix,
                       WindowsEvent& event) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    std::string name;
    if (local_name(child) == "Data" && child.attribute("Name")) {
      name = child.attribute("Name").value();
    } else {
      name = std::string(local_name(child));
    }
    const std::string path = prefix.empty() ? name : prefix + "/" + name;
    if (has_element_children(child)) {
      collect_user_data(child, path, event);
    } else {
      event.data.emplace_back(path, text_of(child));
    }
  }
}

}  // namespace

Result<WindowsEvent> parse_windows_event_xml(std::string_view xml, std::size_t* error_offset) {
  pugi::xml_document doc;
  // parse_ws_pcdata_single keeps <Data Name="x"> </Data> as " ": a value that
  // is only blanks is still the value the source wrote.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                      pugi::encoding_utf8);
  if (!parsed) {
    if (error_offset != nullptr) *error_offset = static_cast<std::size_t>(parsed.offset);
    return unexpected(std::string("malformed XML: ") + parsed.description());
  }

  pugi::xml_node root;
  for (pugi::xml_node child = doc.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    if (root) return unexpected("more than one element: expected one <Event>");
    root = child;
  }
  if (!root) return unexpected("no <Event> element");
  if (local_name(root) != "Event") {
    return unexpected("root element " + quote(local_name(root)) + " is not <Event>");
  }

  const pugi::xml_node system = child_named(root, "System");
  if (!system) return unexpected("no <System> element");

  WindowsEvent event;
  if (const pugi::xml_node provider = child_named(system, "Provider")) {
    if (const pugi::xml_attribute name = provider.attribute("Name")) {
      event.provider = name.value();
    } else if (const pugi::xml_attribute source = provider.attribute("EventSourceName")) {
      event.provider = source.value();
    }
  }

  const pugi::xml_node event_id = child_named(system, "EventID");
  if (!event_id) return unexpected("no System/EventID");
  const std::string event_id_text = text_of(event_id);
  if (!parse_int(event_id_text, event.event_id) || event.event_id < 0 ||
      event.event_id > 65535) {
    return unexpected("invalid EventID " + quote(event_id_text));
  }

  event.channel = text_of(child_named(system, "Channel"));
  event.computer = text_of(child_named(system, "Computer"));
  if (const pugi::xml_node created = child_named(system, "TimeCreated")) {
    if (const pugi::xml_attribute system_time = created.attribute("SystemTime")) {
      event.system_time = system_time.value();
    }
  }
  if (const pugi::xml_node record_id = child_named(system, "EventRecordID")) {
    const std::string text = text_of(record_id);
    std::int64_t value = 0;
    if (!parse_int(text, value) || value < 0) {
      return unexpected("invalid EventRecordID " + quote(text));
    }
    event.record_id = value;
  }

  if (const pugi::xml_node event_data = child_named(root, "EventData")) {
    int position = 0;
    for (pugi::xml_node child = event_data.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = local_name(child);
      if (name == "Data") {
        ++position;
        const pugi::xml_attribute data_name = child.attribute("Name");
        event.data.emplace_back(data_name ? std::string(data_name.value())
                                          : "param" + std::to_string(position),
                                text_of(child));
      } else {
        event.data.emplace_back(std::string(name), text_of(child));
      }
    }
  }
  if (const pugi::xml_node user_data = child_named(root, "UserData")) {
    for (pugi::xml_node child = user_data.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) collect_user_data(child, "", event);
    }
  }
  return event;
}

}  // namespace casetrail::ingest
