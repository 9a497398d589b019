// Kubernetes resource quantities as manifests write them ("100m", "1.5Gi",
// "1e3"): Quantity::parse, then milli() and value(), each of which throws
// only QuantityError (the documented failure: not a quantity, or not in
// int64). The two readings must agree: value() is milli() / 1000 rounded up.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/pod/quantity.h"

using agent::pod::Quantity;
using agent::pod::QuantityError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto q = Quantity::parse(text);
    if (q.text() != text) std::abort();
    std::int64_t milli = 0;
    try {
      milli = q.milli();
    } catch (const QuantityError&) {
      (void)q.value();  // may still fit
      return 0;
    }
    const std::int64_t value = q.value();
    // ceil(x) == ceil(ceil(1000 x) / 1000) for every x.
    const std::int64_t from_milli = milli / 1000 + (milli % 1000 > 0 ? 1 : 0);
    if (value != from_milli) std::abort();
    if (q.negative() && milli > 0) std::abort();
  } catch (const QuantityError&) {
  }
  return 0;
}
