#include "agent/config/file_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/config/manifest_set.h"
#include "agent/objects/object_store.h"
#include "agent/pod/pod_manager.h"

namespace agent::config {

namespace fs = std::filesystem;

namespace {

// Editors and atomic writers (vim's .swp, `kubectl`-style ".tmp" renames)
// stage files under a leading dot; only the final name is a manifest.
bool is_manifest_name(const std::string& name) { return !name.empty() && name[0] != '.'; }

constexpr uint32_t kDirEvents = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

struct FileSource::Impl {
  std::string dir;
  std::string node_name;
  pod::PodManager& manager;
  objects::ObjectStore& objects;
  std::chrono::milliseconds rescan_period;

  int inotify_fd = -1;
  int watch = -1;     // -1 while the directory is missing or was replaced
  int wake_fd = -1;   // eventfd: stop() wakes the thread through it
  std::thread thread;
  bool started = false;
  bool dir_missing_logged = false;

  // Text last applied for each file; only the watcher thread touches it
  // once start() has returned.
  std::map<std::string, std::string> known;

  Impl(std::string d, std::string n, pod::PodManager& m, objects::ObjectStore& o, std::chrono::milliseconds p)
      : dir(std::move(d)), node_name(std::move(n)), manager(m), objects(o), rescan_period(p) {}

  static std::string key_of(const std::string& path) { return "file:" + path; }

  void ensure_watch() {
    if (watch >= 0) return;
    watch = inotify_add_watch(inotify_fd, dir.c_str(), kDirEvents);
    if (watch < 0) {
      if (!dir_missing_logged)
        spdlog::warn("file source: cannot watch {}: {}; rescanning every {} ms", dir, std::strerror(errno),
                     rescan_period.count());
      dir_missing_logged = true;
    } else if (dir_missing_logged) {
      spdlog::info("file source: watching {} again", dir);
      dir_missing_logged = false;
    }
  }

  // Applies one file's current text. `force` re-applies unchanged text (a
  // rescan re-offers it, so a pod once rejected as a duplicate comes in when
  // its holder let go).
  void sync_file(const std::string& path, bool force) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      forget(path);
      return;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    bool readable = static_cast<bool>(in);
    if (readable) text << in.rdbuf();
    const std::string key = key_of(path);
    ManifestSet set;
    std::string content;
    if (readable) {
      content = text.str();
      auto it = known.find(path);
      bool changed = it == known.end() || it->second != content;
      if (!changed && !force) return;
      set = read_manifest_set(content, pod::PodSource{pod::PodSource::Kind::File, path, node_name}, key);
      if (changed) {
        spdlog::info("file source: read {} ({})", key, summary(set));
        log_rejected(set);
      }
    } else {
      content = std::string("\0unreadable", 11);  // never a file's text
      set.rejected.push_back({key, "default", "", path + ": cannot read: " + std::strerror(errno)});
      if (known[path] != content) log_rejected(set);
    }
    known[path] = content;
    objects.set_source(key, std::move(set.objects));
    manager.set_source(key, std::move(set.pods), std::move(set.rejected));
  }

  void forget(const std::string& path) {
    if (!known.erase(path)) return;
    spdlog::info("file source: {} is gone", key_of(path));
    manager.remove_source(key_of(path));
    objects.remove_source(key_of(path));
  }

  void rescan() {
    ensure_watch();
    std::set<std::string> present;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      if (!dir_missing_logged) spdlog::warn("file source: cannot list {}: {}", dir, ec.message());
      dir_missing_logged = true;
    } else {
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        std::string name = it->path().filename().string();
        if (!is_manifest_name(name)) continue;
        std::string path = (fs::path(dir) / name).string();
        std::error_code rec;
        if (!fs::is_regular_file(it->path(), rec)) continue;
        present.insert(path);
        sync_file(path, true);
      }
    }
    std::vector<std::string> gone;
    for (const auto& [path, text] : known)
      if (!present.count(path)) gone.push_back(path);
    for (const auto& path : gone) forget(path);
  }

  // Reads what inotify has queued; returns whether a full rescan is due
  // (the directory itself went away or the queue overflowed).
  bool drain_events() {
    alignas(inotify_event) char buf[8192];
    bool rescan_due = false;
    std::set<std::string> changed;
    while (true) {
      ssize_t n = read(inotify_fd, buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + ev->len;
        if (ev->mask & IN_Q_OVERFLOW) rescan_due = true;
        if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
          if (ev->wd == watch) {
            spdlog::warn("file source: {} was removed or moved; rescanning", dir);
            if (!(ev->mask & IN_IGNORED)) inotify_rm_watch(inotify_fd, watch);
            watch = -1;
          }
          rescan_due = true;
          continue;
        }
        if (ev->len == 0 || (ev->mask & IN_ISDIR)) continue;
        std::string name(ev->name);
        if (is_manifest_name(name)) changed.insert((fs::path(dir) / name).string());
      }
    }
    for (const auto& path : changed) sync_file(path, false);
    return rescan_due;
  }

  void run() {
    auto next_rescan = std::chrono::steady_clock::now() + rescan_period;
    while (true) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_rescan - std::chrono::steady_clock::now());
      pollfd fds[2] = {{wake_fd, POLLIN, 0}, {inotify_fd, POLLIN, 0}};
      int r = poll(fds, 2, static_cast<int>(std::max<long long>(0, wait.count())));
      if (r < 0 && errno != EINTR) {
        spdlog::error("file source: poll failed: {}", std::strerror(errno));
        return;
      }
      if (fds[0].revents) return;  // stop()
      try {
        bool rescan_due = false;
        if (r > 0 && fds[1].revents) rescan_due = drain_events();
        if (rescan_due || std::chrono::steady_clock::now() >= next_rescan) {
          rescan();
          next_rescan = std::chrono::steady_clock::now() + rescan_period;
        }
      } catch (const std::exception& e) {
        // A listener that throws must not end the watcher.
        spdlog::error("file source: {}: {}", dir, e.what());
      }
    }
  }
};

FileSource::FileSource(std::string dir, std::string node_name, pod::PodManager& manager,
                       objects::ObjectStore& objects, std::chrono::milliseconds rescan_period)
    : impl_(std::make_unique<Impl>(std::move(dir), std::move(node_name), manager, objects, rescan_period)) {}

FileSource::~FileSource() { stop(); }

void FileSource::start() {
  if (impl_->started) return;
  impl_->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (impl_->inotify_fd < 0) throw std::runtime_error(std::string("file source: inotify_init1: ") + std::strerror(errno));
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->wake_fd < 0) {
    close(impl_->inotify_fd);
    impl_->inotify_fd = -1;
    throw std::runtime_error(std::string("file source: eventfd: ") + std::strerror(errno));
  }
  // Watch first, then scan: a file written in between is seen by both,
  // never by neither.
  impl_->rescan();
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->run(); });
  spdlog::info("file source: watching {}", impl_->dir);
}

void FileSource::stop() {
  if (!impl_ || !impl_->started) return;
  uint64_t one = 1;
  if (write(impl_->wake_fd, &one, sizeof one) < 0) spdlog::error("file source: eventfd write: {}", std::strerror(errno));
  if (impl_->thread.joinable()) impl_->thread.join();
  close(impl_->inotify_fd);
  close(impl_->wake_fd);
  impl_->inotify_fd = impl_->wake_fd = -1;
  impl_->watch = -1;
  impl_->started = false;
}

}  // namespace agent::config
