#include "core/ingest/json_util.hpp"

namespace casetrail::ingest::json {

std::string reason(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::UNCLOSED_STRING: return "malformed JSON: unclosed string";
    case simdjson::STRING_ERROR: return "malformed JSON: bad string escape";
    case simdjson::UNESCAPED_CHARS: return "malformed JSON: control character in a string";
    case simdjson::NUMBER_ERROR: return "malformed JSON: bad number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR: return "malformed JSON: bad literal";
    case simdjson::DEPTH_ERROR: return "malformed JSON: nested too deep";
    case simdjson::EMPTY: return "empty record";
    case simdjson::INCORRECT_TYPE: return "not a JSON object";
    case simdjson::CAPACITY: return "record too large for the JSON parser";
    case simdjson::TRAILING_CONTENT: return "malformed JSON: text after the object";
    default: return "malformed JSON";
  }
}

simdjson::error_code value_text(simdjson::ondemand::value value, std::string& out, bool& is_null) {
  is_null = false;
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto e = value.get_string().get(s)) return e;
      out.assign(s);
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::number:
    case simdjson::ondemand::json_type::boolean: {
      // As written (validated first: raw_json_token does not check it).
      if (type == simdjson::ondemand::json_type::boolean) {
        bool b = false;
        if (auto e = value.get_bool().get(b)) return e;
        out = b ? "true" : "false";
        return simdjson::SUCCESS;
      }
      simdjson::ondemand::number n;
      std::string_view token = value.raw_json_token();
      if (auto e = value.get_number().get(n); e && e != simdjson::NUMBER_OUT_OF_RANGE) return e;
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                                token.back() == '\r')) {
        token.remove_suffix(1);
      }
      out.assign(token);
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::null: {
      bool null = false;
      if (auto e = value.is_null().get(null)) return e;
      is_null = true;
      out.clear();
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object object;
      std::string_view raw;
      if (auto e = value.get_object().get(object)) return e;
      if (auto e = object.raw_json().get(raw)) return e;
      out.assign(raw);
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array array;
      std::string_view raw;
      if (auto e = value.get_array().get(array)) return e;
      if (auto e = array.raw_json().get(raw)) return e;
      out.assign(raw);
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace casetrail::ingest::json
