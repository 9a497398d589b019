#include "agent/pod/object_references.h"

#include <variant>

namespace agent::pod {

namespace {

bool names(const ObjectVolumeSource& source, ObjectKind kind, const std::string& name) {
  return source.secret == (kind == ObjectKind::Secret) && source.name == name;
}

}  // namespace

bool uses_object(const Pod& pod, ObjectKind kind, const std::string& name) {
  const bool secret = kind == ObjectKind::Secret;
  for (const auto& volume : pod.spec.volumes) {
    if (const auto* o = std::get_if<ObjectVolume>(&volume.source); o && names(o->source, kind, name)) return true;
    if (const auto* p = std::get_if<ProjectedVolume>(&volume.source))
      for (const auto& s : p->sources)
        if (const auto* os = std::get_if<ObjectVolumeSource>(&s); os && names(*os, kind, name)) return true;
  }
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) {
      for (const auto& from : c.env_from)
        if (from.secret == secret && from.name == name) return true;
      for (const auto& e : c.env) {
        const auto& ref = secret ? e.secret_key_ref : e.config_map_key_ref;
        if (ref && ref->name == name) return true;
      }
    }
  return false;
}

}  // namespace agent::pod
