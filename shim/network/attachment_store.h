// What cri-shim remembers of a sandbox's CNI attachment, one JSON file per
// sandbox under <root-dir>/network/: the network config list ADD used, the
// runtime inputs (port mappings, pod CIDR, DNS), CNI_ARGS, and the result
// once ADD finished. It is written before ADD starts (so that a shim that
// dies mid-ADD still knows what to DEL) and again with the result; every
// write is atomic (temporary file, fsync, rename), so a reader sees the old
// or the new file, never half of one. The file goes when DEL succeeded.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "shim/network/cni_config.h"
#include "shim/network/plugin_config.h"

namespace shim::network {

struct Attachment {
  NetworkConfigList config;
  RuntimeInputs inputs;
  std::string cni_args;
  std::string ifname = "eth0";
  nlohmann::json result;  // null until ADD succeeded
};

class AttachmentStore {
 public:
  explicit AttachmentStore(std::string dir) : dir_(std::move(dir)) {}

  // Throws std::system_error when the file cannot be written,
  // std::invalid_argument for an ID that is not hex.
  void save(const std::string& sandbox_id, const Attachment& attachment) const;
  // nullopt when none is stored (or the ID is not hex); an unreadable or
  // corrupt file is logged and treated as none (nothing better to DEL with).
  std::optional<Attachment> load(const std::string& sandbox_id) const;
  void remove(const std::string& sandbox_id) const;  // absent is fine
  const std::string& dir() const { return dir_; }

 private:
  std::string path_of(const std::string& sandbox_id) const;
  std::string dir_;
};

}  // namespace shim::network
