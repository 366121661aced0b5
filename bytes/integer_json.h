// Parsing the JSON files that hold only integers (state.json, the journal, registry entries).
// nlohmann::json converts a floating-point number to an integer type with a plain cast, which
// is undefined behaviour when the value is out of range ("nr": 1e300 in a hand-edited or
// corrupt file; found by tests/fuzz/inputs_fuzzer). None of these files is ever written with a
// fraction or an exponent, so such a number makes the text invalid, before any field is read.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace sc::bytes {

// json::parse, plus: throws std::runtime_error for any floating-point number in the text.
// json::parse_error for text that is not JSON, as json::parse.
inline nlohmann::json parse_integer_json(const std::string& text) {
  return nlohmann::json::parse(text, [](int, nlohmann::json::parse_event_t event, nlohmann::json& value) {
    if (event == nlohmann::json::parse_event_t::value && value.is_number_float())
      throw std::runtime_error("a number that is not an integer (" + value.dump() + ")");
    return true;
  });
}

}  // namespace sc::bytes
