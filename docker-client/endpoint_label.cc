#include "docker-client/endpoint_label.h"

#include <array>
#include <vector>

namespace docker {
namespace {

// The words that follow a collection directly and name no object
// ("/containers/json", "/images/create", "/exec/{id}/start" keeps "start").
constexpr std::array<std::string_view, 8> kCollectionActions = {"json", "create", "prune", "load",
                                                                 "get",  "search", "events", "df"};
// The collections whose members' names may hold slashes (image references).
constexpr std::array<std::string_view, 2> kNamedBySlashes = {"images", "distribution"};
// What may follow an image's name.
constexpr std::array<std::string_view, 5> kImageActions = {"json", "history", "push", "tag", "get"};

template <std::size_t N>
bool is_one_of(std::string_view word, const std::array<std::string_view, N>& words) {
  for (const auto candidate : words)
    if (candidate == word) return true;
  return false;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) out.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::string endpoint_label(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  auto parts = segments(path);
  // The version prefix: "v1.41".
  if (!parts.empty() && parts.front().size() > 1 && parts.front()[0] == 'v' &&
      (parts.front()[1] >= '0' && parts.front()[1] <= '9'))
    parts.erase(parts.begin());

  std::string label(method);
  label += ' ';
  if (parts.empty()) return label + "/";
  label += '/';
  label += parts[0];
  if (parts.size() == 1) return label;
  if (is_one_of(parts[1], kCollectionActions)) {
    for (std::size_t i = 1; i < parts.size(); ++i) label += "/" + std::string(parts[i]);
    return label;
  }
  if (is_one_of(parts[0], kNamedBySlashes)) {
    // The name runs to the last segment when that one is an action.
    label += "/{name}";
    if (parts.size() > 2 && is_one_of(parts.back(), kImageActions)) label += "/" + std::string(parts.back());
    return label;
  }
  label += "/{id}";
  for (std::size_t i = 2; i < parts.size(); ++i) label += "/" + std::string(parts[i]);
  return label;
}

}  // namespace docker
