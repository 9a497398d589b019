#include "agent/runtime/container_mounts.h"

#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "agent/runtime/env_vars.h"

namespace agent::runtime {

namespace fs = std::filesystem;

namespace {

cri::MountPropagation to_cri(pod::MountPropagation p) {
  switch (p) {
    case pod::MountPropagation::None: return cri::PROPAGATION_PRIVATE;
    case pod::MountPropagation::HostToContainer: return cri::PROPAGATION_HOST_TO_CONTAINER;
    case pod::MountPropagation::Bidirectional: return cri::PROPAGATION_BIDIRECTIONAL;
  }
  return cri::PROPAGATION_PRIVATE;
}

bool has_dot_dot(const std::string& path) {
  for (const auto& part : fs::path(path))
    if (part == "..") return true;
  return false;
}

// `sub` under `volume`, made (0750 directories, as kubelet) when missing;
// refused when the real path leaves the volume's real path.
std::string sub_path_of(const std::string& volume, const std::string& sub, const std::string& what) {
  std::error_code ec;
  const fs::path wanted = fs::path(volume) / sub;
  if (!fs::exists(wanted, ec)) {
    fs::create_directories(wanted, ec);
    if (ec) throw std::invalid_argument(what + ": cannot create " + wanted.string() + ": " + ec.message());
    for (fs::path p = wanted; p.string().size() > volume.size(); p = p.parent_path()) ::chmod(p.c_str(), 0750);
  }
  const fs::path real_volume = fs::canonical(volume, ec);
  const fs::path real = fs::canonical(wanted, ec);
  if (ec) throw std::invalid_argument(what + ": cannot resolve " + wanted.string() + ": " + ec.message());
  const std::string base = real_volume.string();
  if (real.string() != base && real.string().rfind(base + "/", 0) != 0)
    throw std::invalid_argument(what + ": subpath \"" + real.string() + "\" not within volume path \"" + base + "\"");
  return real.string();
}

}  // namespace

std::vector<cri::Mount> make_container_mounts(const pod::Container& container,
                                              const std::map<std::string, std::string>& host_paths,
                                              const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<cri::Mount> mounts;
  for (const auto& m : container.volume_mounts) {
    const std::string what = "container \"" + container.name + "\" volumeMount \"" + m.name + "\"";
    auto it = host_paths.find(m.name);
    if (it == host_paths.end()) throw std::invalid_argument(what + ": the volume is not set up");
    std::string sub = m.sub_path;
    if (!m.sub_path_expr.empty()) {
      // kubelet expands subPathExpr with the container's environment, and
      // checks the result as it checks a subPath.
      sub = expand_all({m.sub_path_expr}, env).front();
      if (!sub.empty() && (sub.front() == '/' || has_dot_dot(sub)))
        throw std::invalid_argument(what + ": subPathExpr \"" + m.sub_path_expr + "\" expands to \"" + sub +
                                    "\", which must be a relative path without '..'");
    }
    cri::Mount mount;
    mount.set_container_path(m.mount_path);
    mount.set_host_path(sub.empty() ? it->second : sub_path_of(it->second, sub, what));
    mount.set_readonly(m.read_only);
    mount.set_propagation(to_cri(m.propagation));
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace agent::runtime
