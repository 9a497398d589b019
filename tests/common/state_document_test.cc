// common/state_document: the envelope of node-agent's JSON state files.
#include <doctest/doctest.h>

#include <stdexcept>

#include "common/state_document.h"

namespace {

constexpr common::StateDocumentType kType{"Things", 2, "things"};

TEST_CASE("a state document round-trips its entries") {
  const std::string text = common::state_document_json(kType, {{"a", {{"n", 1}}}});
  const auto doc = nlohmann::json::parse(text);
  CHECK(doc["kind"] == "Things");
  CHECK(doc["version"] == 2);
  CHECK(common::parse_state_document(kType, text) == nlohmann::json{{"a", {{"n", 1}}}});
  // No entries key: none.
  CHECK(common::parse_state_document(kType, R"({"kind": "Things", "version": 2})") == nlohmann::json::object());
}

TEST_CASE("another kind or version, bad JSON or entries that are no object are refused, saying why") {
  CHECK_THROWS_WITH_AS(common::parse_state_document(kType, "{"), doctest::Contains("not JSON"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(common::parse_state_document(kType, R"({"kind": "Other", "version": 2})"),
                       doctest::Contains("not a Things document"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(common::parse_state_document(kType, R"({"kind": "Things", "version": 3})"),
                       doctest::Contains("version 3 is not 2"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(common::parse_state_document(kType, R"({"kind": "Things", "version": 2, "things": []})"),
                       doctest::Contains("things is not an object"), std::invalid_argument);
  CHECK_THROWS_AS(common::parse_state_document(kType, "[]"), std::invalid_argument);
}

}  // namespace
