#include "agent/volume/volume_manager.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "agent/volume/atomic_writer.h"
#include "agent/volume/host_path.h"

namespace agent::volume {

namespace fs = std::filesystem;

namespace {

const char* plugin_of(const pod::VolumeSource& source) {
  if (std::holds_alternative<pod::EmptyDirVolume>(source)) return "kubernetes.io~empty-dir";
  if (std::holds_alternative<pod::HostPathVolume>(source)) return "kubernetes.io~host-path";
  if (const auto* o = std::get_if<pod::ObjectVolume>(&source))
    return o->source.secret ? "kubernetes.io~secret" : "kubernetes.io~configmap";
  if (std::holds_alternative<pod::DownwardApiVolume>(source)) return "kubernetes.io~downward-api";
  return "kubernetes.io~projected";
}

bool on_memory(const pod::VolumeSource& source) {
  if (const auto* e = std::get_if<pod::EmptyDirVolume>(&source)) return e->memory;
  if (const auto* o = std::get_if<pod::ObjectVolume>(&source)) return o->source.secret;
  return std::holds_alternative<pod::ProjectedVolume>(source);
}

// A mount point: its device differs from its parent's.
bool is_mount_point(const std::string& dir) {
  struct stat self {}, parent {};
  if (::stat(dir.c_str(), &self) != 0) return false;
  if (::stat(fs::path(dir).parent_path().c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

// Undoes mountinfo's octal escapes (\040 for a space).
std::string unescape_mount_path(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 3 < raw.size()) {
      const std::string oct = raw.substr(i + 1, 3);
      if (oct.size() == 3 && std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

// Every mount point of this mount namespace at or under `dir`.
std::vector<std::string> mounts_under(const std::string& dir) {
  std::vector<std::string> found;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    const std::string path = unescape_mount_path(mount_point);
    if (path == dir || path.rfind(dir + "/", 0) == 0) found.push_back(path);
  }
  return found;
}

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

VolumeManager::VolumeManager(std::function<std::string(const std::string&)> pod_dir, ObjectLookup objects,
                             NodeAllocatable node)
    : pod_dir_(std::move(pod_dir)), objects_(std::move(objects)), node_(node) {}

std::string VolumeManager::volume_dir(const std::string& uid, const pod::Volume& volume) const {
  if (const auto* h = std::get_if<pod::HostPathVolume>(&volume.source)) return h->path;
  return pod_dir_(uid) + "/volumes/" + plugin_of(volume.source) + "/" + volume.name;
}

PodVolumes VolumeManager::set_up(const pod::Pod& pod) {
  PodVolumes out;
  for (const auto& volume : pod.spec.volumes) {
    std::string host_path;
    std::string error = set_up_one(pod, volume, host_path);
    if (!host_path.empty()) out.host_paths[volume.name] = host_path;
    if (!error.empty())
      out.errors.emplace_back(volume.name,
                              "MountVolume.SetUp failed for volume \"" + volume.name + "\" : " + error);
  }
  return out;
}

std::string VolumeManager::set_up_one(const pod::Pod& pod, const pod::Volume& volume, std::string& host_path) {
  const std::string dir = volume_dir(pod.metadata.uid, volume);
  if (const auto* h = std::get_if<pod::HostPathVolume>(&volume.source)) {
    std::string error = check_host_path(*h);
    if (error.empty()) host_path = h->path;
    return error;
  }
  const std::optional<int64_t>& fs_group = pod.spec.security_context.fs_group;
  std::error_code ec;
  const bool created = !fs::exists(dir, ec);
  if (created) {
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir + ": " + ec.message();
  }
  if (on_memory(volume.source) && !is_mount_point(dir)) {
    std::string options = "mode=0777";
    if (const auto* e = std::get_if<pod::EmptyDirVolume>(&volume.source); e && e->size_limit_bytes)
      options += ",size=" + std::to_string(*e->size_limit_bytes);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
      return errno_text("cannot mount a tmpfs on", dir);
  }
  if (std::holds_alternative<pod::EmptyDirVolume>(volume.source)) {
    if (created || fs_group) {
      // kubelet's emptyDir is open to every user of the pod; with an
      // fsGroup, owned by that group, new files inheriting it (setgid).
      mode_t mode = 0777;
      if (fs_group) {
        if (::chown(dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(*fs_group)) != 0)
          return errno_text("cannot chown", dir);
        mode |= S_ISGID;
      }
      if (::chmod(dir.c_str(), mode) != 0) return errno_text("cannot chmod", dir);
    }
    host_path = dir;
    return "";
  }
  // configMap, secret, downwardAPI, projected: files through the AtomicWriter.
  const bool written_before = fs::is_symlink(fs::path(dir) / "..data", ec);
  if (written_before) host_path = dir;
  Payload payload;
  try {
    payload = make_payload(pod, volume.source, objects_, node_);
  } catch (const SetupError& e) {
    return e.what();
  }
  const WriteResult written = write_atomically(dir, payload, fs_group);
  if (!written.error.empty()) return written.error;
  ::chmod(dir.c_str(), 0777);
  host_path = dir;
  return "";
}

bool VolumeManager::tear_down(const std::string& uid, std::string& error) {
  const std::string volumes = pod_dir_(uid) + "/volumes";
  std::error_code ec;
  if (!fs::exists(volumes, ec)) return true;
  // Deepest first: a mount made inside another comes off before it.
  std::vector<std::string> mounts = mounts_under(volumes);
  std::sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& m : mounts) {
    if (::umount2(m.c_str(), 0) == 0) continue;
    // Busy (a process still holds it): detached now, freed when released.
    if (errno == EBUSY && ::umount2(m.c_str(), MNT_DETACH) == 0) continue;
    error = errno_text("cannot unmount", m);
    return false;
  }
  if (!mounts_under(volumes).empty()) {
    error = "a mount under " + volumes + " is still there";
    return false;
  }
  fs::remove_all(volumes, ec);
  if (ec) {
    error = "cannot remove " + volumes + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace agent::volume
