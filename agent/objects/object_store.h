// The ConfigMaps and Secrets of every source (kubelet's configmap.Manager and
// secret.Manager, without an API server behind them): documents of kind
// ConfigMap and Secret in the manifest directory, at the manifest URL, and
// those POSTed to the HTTP API. A source key names one origin, as for pods
// ("file:<path>", "url:<url>", "api"); each key's set is replaced whole.
//
// Contract:
// - An object is known by (kind, namespace, name). When two keys hold the
//   same one, the key that held it first keeps it (as the pod manager does)
//   and the other's copy is ignored until the first lets go.
// - The listener is told, outside the store's lock and in order, of every
//   object whose content changed, appeared or disappeared (so the pods that
//   use it can be synced at once); not of an unchanged re-sent set.
// - Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/config_object.h"

namespace agent::objects {

// The HTTP API's source key, which put_api_object and delete_api_object
// edit (and under which the API's objects of the last run are set again).
inline constexpr const char* kApiSourceKey = "api";

class ObjectStore {
 public:
  using Listener = std::function<void(pod::ObjectKind kind, const std::string& namespace_, const std::string& name)>;

  ObjectStore();
  ~ObjectStore();

  // Set once, before any source is started.
  void set_listener(Listener listener);

  void set_source(const std::string& source_key, std::vector<pod::ConfigObject> objects);
  void remove_source(const std::string& source_key) { set_source(source_key, {}); }
  // The API source: adds or replaces one object; removes one (false when
  // the API holds no such object).
  void put_api_object(pod::ConfigObject object);
  bool delete_api_object(pod::ObjectKind kind, const std::string& namespace_, const std::string& name);

  std::optional<pod::ConfigObject> get(pod::ObjectKind kind, const std::string& namespace_,
                                       const std::string& name) const;
  // Every object of `kind`, ordered by namespace then name.
  std::vector<pod::ConfigObject> list(pod::ObjectKind kind) const;
  // The source key whose copy of the object counts ("api", "file:<path>",
  // ...), or nullopt when no key holds it: the HTTP API refuses to post
  // over, or delete, an object that a manifest defines.
  std::optional<std::string> source_of(pod::ObjectKind kind, const std::string& namespace_,
                                       const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::objects
