// The query parameters kubelet's streaming endpoints read from the URL.
// Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shim::streaming::websocket {

// Every value of `key` in the query of `target` ("/path?a=1&b=2"),
// percent-decoded, in order.
std::vector<std::string> query_values(std::string_view target, std::string_view key);

}  // namespace shim::streaming::websocket
