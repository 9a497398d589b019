#include "agent/pod/volume_parser.h"

#include <map>
#include <set>

#include "agent/pod/quantity.h"
#include "agent/pod/yaml_fields.h"

namespace agent::pod {

const char* to_string(HostPathType t) {
  switch (t) {
    case HostPathType::Unset: return "";
    case HostPathType::DirectoryOrCreate: return "DirectoryOrCreate";
    case HostPathType::Directory: return "Directory";
    case HostPathType::FileOrCreate: return "FileOrCreate";
    case HostPathType::File: return "File";
    case HostPathType::Socket: return "Socket";
    case HostPathType::CharDevice: return "CharDevice";
    case HostPathType::BlockDevice: return "BlockDevice";
  }
  return "";
}

const char* to_string(MountPropagation p) {
  switch (p) {
    case MountPropagation::None: return "None";
    case MountPropagation::HostToContainer: return "HostToContainer";
    case MountPropagation::Bidirectional: return "Bidirectional";
  }
  return "None";
}

using namespace yaml_fields;

namespace {

// The volume types of core/v1 that need what node-agent does not have.
const std::set<std::string> kOutOfScopeVolumes = {
    "persistentVolumeClaim", "csi", "ephemeral", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs",
    "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "azureDisk",
    "vsphereVolume", "quobyte", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos"};
const char* const kOutOfScope =
    "is not supported by node-agent: persistent volumes, CSI, storage drivers and service account tokens need a "
    "control plane (supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)";

// Kubernetes' validateLocalDescendingPath: relative, and no ".." element.
void check_relative_path(const std::string& value, const std::string& path) {
  if (!value.empty() && value.front() == '/') fail(path, "must be a relative path");
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find('/', start);
    if (end == std::string::npos) end = value.size();
    if (value.compare(start, end - start, "..") == 0) fail(path, "must not contain '..'");
    start = end + 1;
  }
}

// An items[].path: as above, not empty and not starting with "..".
void check_item_path(const std::string& value, const std::string& path) {
  if (value.empty()) fail(path, "required");
  check_relative_path(value, path);
  if (value.rfind("..", 0) == 0) fail(path, "must not start with '..'");
}

std::vector<KeyToPath> key_to_paths(const YAML::Node& n, const std::string& path) {
  std::vector<KeyToPath> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string ipath = at(path, i);
    expect_map(n[i], ipath);
    check_keys(n[i], ipath, {"key", "path", "mode"});
    KeyToPath k;
    if (!present(n[i]["key"])) fail(join(ipath, "key"), "required");
    k.key = str(n[i]["key"], join(ipath, "key"));
    if (!present(n[i]["path"])) fail(join(ipath, "path"), "required");
    k.path = str(n[i]["path"], join(ipath, "path"));
    check_item_path(k.path, join(ipath, "path"));
    k.mode = opt<int32_t>(n[i], "mode", ipath, parse_mode);
    out.push_back(std::move(k));
  }
  return out;
}

// configMap / secret, as a volume (name_key "name" or "secretName") or as
// a projected source (always "name").
ObjectVolumeSource object_source(const YAML::Node& n, const std::string& path, bool secret, const char* name_key,
                                 bool allow_default_mode) {
  expect_map(n, path);
  std::set<std::string> known = {name_key, "items", "optional"};
  if (allow_default_mode) known.insert("defaultMode");
  check_keys(n, path, known);
  ObjectVolumeSource s;
  s.secret = secret;
  if (!present(n[name_key])) fail(join(path, name_key), "required");
  s.name = str(n[name_key], join(path, name_key));
  check_dns_subdomain(s.name, join(path, name_key));
  s.items = key_to_paths(n["items"], join(path, "items"));
  s.optional = opt<bool>(n, "optional", path, boolean).value_or(false);
  return s;
}

// The fieldRef paths a downwardAPI volume may name (Kubernetes'
// validVolumeDownwardAPIFieldPathExpressions, plus the subscripted forms).
void check_volume_field_path(const std::string& fp, const std::string& path) {
  static const std::set<std::string> kPaths = {"metadata.name", "metadata.namespace", "metadata.uid",
                                               "metadata.labels", "metadata.annotations"};
  if (kPaths.count(fp)) return;
  for (const char* prefix : {"metadata.labels['", "metadata.annotations['"}) {
    const std::string p = prefix;
    if (fp.size() > p.size() + 2 && fp.rfind(p, 0) == 0 && fp.compare(fp.size() - 2, 2, "']") == 0) return;
  }
  fail(path, "\"" + fp + "\" is not supported in a downwardAPI volume (metadata.name, metadata.namespace, "
             "metadata.uid, metadata.labels, metadata.annotations, metadata.labels['key'], "
             "metadata.annotations['key'])");
}

ResourceFieldRef resource_field_ref(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"containerName", "resource", "divisor"});
  ResourceFieldRef r;
  if (!present(n["containerName"])) fail(join(path, "containerName"), "required in a volume");
  r.container_name = str(n["containerName"], join(path, "containerName"));
  if (!present(n["resource"])) fail(join(path, "resource"), "required");
  r.resource = str(n["resource"], join(path, "resource"));
  static const std::set<std::string> kResources = {"limits.cpu",          "limits.memory",
                                                    "limits.ephemeral-storage", "requests.cpu",
                                                    "requests.memory",     "requests.ephemeral-storage"};
  if (!kResources.count(r.resource))
    fail(join(path, "resource"), "\"" + r.resource +
                                     "\" is not supported by node-agent (limits.cpu, limits.memory, "
                                     "limits.ephemeral-storage, requests.cpu, requests.memory, "
                                     "requests.ephemeral-storage)");
  const bool cpu = r.resource.ends_with(".cpu");
  r.divisor = cpu ? 1000 : 1;  // "1": one core, one byte
  if (present(n["divisor"])) {
    const std::string dpath = join(path, "divisor");
    const std::string text = str(n["divisor"], dpath);
    try {
      const Quantity q = Quantity::parse(text);
      r.divisor = cpu ? q.milli() : q.value();
    } catch (const QuantityError& e) {
      fail(dpath, e.what());
    }
    // Kubernetes allows 1m and 1 for cpu, 1 and the powers of 1000 or 1024
    // for memory and ephemeral-storage.
    static const std::set<std::string> kCpu = {"1m", "1"};
    static const std::set<std::string> kMemory = {"1", "1k", "1M", "1G", "1T", "1P", "1E",
                                                  "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"};
    if (cpu ? !kCpu.count(text) : !kMemory.count(text))
      fail(dpath, "\"" + text + "\" is not a valid divisor for " + r.resource +
                      (cpu ? " (1m, 1)" : " (1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei)"));
  }
  return r;
}

DownwardApiSource downward_api_source(const YAML::Node& n, const std::string& path, bool allow_default_mode) {
  expect_map(n, path);
  std::set<std::string> known = {"items"};
  if (allow_default_mode) known.insert("defaultMode");
  check_keys(n, path, known);
  DownwardApiSource s;
  if (!present(n["items"])) return s;
  const std::string ipath_list = join(path, "items");
  expect_seq(n["items"], ipath_list);
  for (std::size_t i = 0; i < n["items"].size(); ++i) {
    const YAML::Node item = n["items"][i];
    const std::string ipath = at(ipath_list, i);
    expect_map(item, ipath);
    check_keys(item, ipath, {"path", "fieldRef", "resourceFieldRef", "mode"});
    DownwardApiFile f;
    if (!present(item["path"])) fail(join(ipath, "path"), "required");
    f.path = str(item["path"], join(ipath, "path"));
    check_item_path(f.path, join(ipath, "path"));
    if (present(item["fieldRef"])) {
      const std::string rpath = join(ipath, "fieldRef");
      expect_map(item["fieldRef"], rpath);
      check_keys(item["fieldRef"], rpath, {"fieldPath", "apiVersion"});
      const std::string fp = str(item["fieldRef"]["fieldPath"], join(rpath, "fieldPath"));
      check_volume_field_path(fp, join(rpath, "fieldPath"));
      f.field_path = fp;
    }
    if (present(item["resourceFieldRef"]))
      f.resource_field_ref = resource_field_ref(item["resourceFieldRef"], join(ipath, "resourceFieldRef"));
    if (f.field_path.has_value() == f.resource_field_ref.has_value())
      fail(ipath, "exactly one of fieldRef and resourceFieldRef is required");
    f.mode = opt<int32_t>(item, "mode", ipath, parse_mode);
    s.items.push_back(std::move(f));
  }
  return s;
}

ProjectedVolume projected(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"sources", "defaultMode"});
  ProjectedVolume v;
  v.default_mode = opt<int32_t>(n, "defaultMode", path, parse_mode).value_or(0644);
  if (!present(n["sources"])) return v;
  const std::string spath = join(path, "sources");
  expect_seq(n["sources"], spath);
  for (std::size_t i = 0; i < n["sources"].size(); ++i) {
    const YAML::Node s = n["sources"][i];
    const std::string ipath = at(spath, i);
    expect_map(s, ipath);
    if (s.size() != 1) fail(ipath, "exactly one source type is required");
    const std::string type = s.begin()->first.Scalar();
    const std::string tpath = join(ipath, type);
    if (type == "configMap") v.sources.emplace_back(object_source(s[type], tpath, false, "name", false));
    else if (type == "secret") v.sources.emplace_back(object_source(s[type], tpath, true, "name", false));
    else if (type == "downwardAPI") v.sources.emplace_back(downward_api_source(s[type], tpath, false));
    else if (type == "serviceAccountToken" || type == "clusterTrustBundle") fail(tpath, kOutOfScope);
    else fail(tpath, "unknown projected source (configMap, secret, downwardAPI)");
  }
  return v;
}

Volume volume(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  Volume v;
  if (!present(n["name"])) fail(join(path, "name"), "required");
  v.name = str(n["name"], join(path, "name"));
  check_dns_label(v.name, join(path, "name"));
  std::vector<std::string> types;
  for (const auto& kv : n)
    if (kv.first.Scalar() != "name") types.push_back(kv.first.Scalar());
  if (types.size() != 1) fail(path, "exactly one volume type is required");
  const std::string type = types.front();
  const std::string tpath = join(path, type);
  const YAML::Node s = n[type];
  if (kOutOfScopeVolumes.count(type)) fail(tpath, kOutOfScope);
  if (type == "emptyDir") {
    EmptyDirVolume e;
    if (present(s)) {
      expect_map(s, tpath);
      check_keys(s, tpath, {"medium", "sizeLimit"});
      const std::string medium = present(s["medium"]) ? str(s["medium"], join(tpath, "medium")) : "";
      if (medium == "Memory") e.memory = true;
      else if (!medium.empty()) fail(join(tpath, "medium"), "\"" + medium + "\" is not supported (\"\", Memory)");
      if (present(s["sizeLimit"])) {
        const std::string lpath = join(tpath, "sizeLimit");
        try {
          const Quantity q = Quantity::parse(str(s["sizeLimit"], lpath));
          if (q.negative()) fail(lpath, "must not be negative");
          e.size_limit_bytes = q.value();
        } catch (const QuantityError& err) {
          fail(lpath, err.what());
        }
      }
    }
    v.source = e;
  } else if (type == "hostPath") {
    expect_map(s, tpath);
    check_keys(s, tpath, {"path", "type"});
    HostPathVolume h;
    if (!present(s["path"])) fail(join(tpath, "path"), "required");
    h.path = str(s["path"], join(tpath, "path"));
    if (h.path.empty() || h.path.front() != '/') fail(join(tpath, "path"), "must be an absolute path");
    check_relative_path(h.path.substr(1), join(tpath, "path"));
    const std::string t = present(s["type"]) ? str(s["type"], join(tpath, "type")) : "";
    static const std::map<std::string, HostPathType> kTypes = {
        {"", HostPathType::Unset},          {"DirectoryOrCreate", HostPathType::DirectoryOrCreate},
        {"Directory", HostPathType::Directory}, {"FileOrCreate", HostPathType::FileOrCreate},
        {"File", HostPathType::File},       {"Socket", HostPathType::Socket},
        {"CharDevice", HostPathType::CharDevice}, {"BlockDevice", HostPathType::BlockDevice}};
    auto it = kTypes.find(t);
    if (it == kTypes.end())
      fail(join(tpath, "type"), "unknown hostPath type \"" + t +
                                    "\" (\"\", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, "
                                    "CharDevice, BlockDevice)");
    h.type = it->second;
    v.source = h;
  } else if (type == "configMap" || type == "secret") {
    const bool secret = type == "secret";
    ObjectVolume o;
    o.source = object_source(s, tpath, secret, secret ? "secretName" : "name", true);
    o.default_mode = opt<int32_t>(s, "defaultMode", tpath, parse_mode).value_or(0644);
    v.source = o;
  } else if (type == "downwardAPI") {
    DownwardApiVolume d;
    d.source = downward_api_source(s, tpath, true);
    d.default_mode = opt<int32_t>(s, "defaultMode", tpath, parse_mode).value_or(0644);
    v.source = d;
  } else if (type == "projected") {
    v.source = projected(s, tpath);
  } else {
    fail(tpath, "unknown volume type");
  }
  return v;
}

}  // namespace

int32_t parse_mode(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) fail(path, "expected a file mode");
  std::string s = n.Scalar();
  int base = 10;
  if (s.rfind("0o", 0) == 0) {
    s = s.substr(2);
    base = 8;
  } else if (s.size() > 1 && s.front() == '0') {
    base = 8;  // YAML 1.1 octal, as Kubernetes' YAML reader takes 0644
  }
  try {
    std::size_t used = 0;
    const long v = std::stol(s, &used, base);
    if (used != s.size() || s.empty()) throw std::invalid_argument(s);
    if (v < 0 || v > 0777) fail(path, "must be a file mode between 0 and 0777 (511)");
    return static_cast<int32_t>(v);
  } catch (const std::logic_error&) {
    fail(path, "expected a file mode, got \"" + n.Scalar() + "\"");
  }
}

std::vector<Volume> parse_volumes(const YAML::Node& n, const std::string& path) {
  std::vector<Volume> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  std::set<std::string> names;
  for (std::size_t i = 0; i < n.size(); ++i) {
    out.push_back(volume(n[i], at(path, i)));
    if (!names.insert(out.back().name).second)
      fail(join(at(path, i), "name"), "duplicate volume name \"" + out.back().name + "\"");
  }
  return out;
}

std::vector<VolumeMount> parse_volume_mounts(const YAML::Node& n, const std::string& path) {
  std::vector<VolumeMount> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string ipath = at(path, i);
    expect_map(n[i], ipath);
    check_keys(n[i], ipath, {"name", "mountPath", "readOnly", "subPath", "subPathExpr", "mountPropagation"});
    VolumeMount m;
    if (!present(n[i]["name"])) fail(join(ipath, "name"), "required");
    m.name = str(n[i]["name"], join(ipath, "name"));
    if (!present(n[i]["mountPath"])) fail(join(ipath, "mountPath"), "required");
    m.mount_path = str(n[i]["mountPath"], join(ipath, "mountPath"));
    if (m.mount_path.empty()) fail(join(ipath, "mountPath"), "required");
    // kubelet mounts a relative mountPath under the container's root.
    if (m.mount_path.front() != '/') m.mount_path = "/" + m.mount_path;
    m.read_only = opt<bool>(n[i], "readOnly", ipath, boolean).value_or(false);
    if (present(n[i]["subPath"])) {
      m.sub_path = str(n[i]["subPath"], join(ipath, "subPath"));
      check_relative_path(m.sub_path, join(ipath, "subPath"));
    }
    if (present(n[i]["subPathExpr"])) {
      m.sub_path_expr = str(n[i]["subPathExpr"], join(ipath, "subPathExpr"));
      if (!m.sub_path.empty()) fail(join(ipath, "subPathExpr"), "subPath and subPathExpr are mutually exclusive");
      check_relative_path(m.sub_path_expr, join(ipath, "subPathExpr"));
    }
    if (present(n[i]["mountPropagation"])) {
      const std::string p = str(n[i]["mountPropagation"], join(ipath, "mountPropagation"));
      if (p == "None") m.propagation = MountPropagation::None;
      else if (p == "HostToContainer") m.propagation = MountPropagation::HostToContainer;
      else if (p == "Bidirectional") m.propagation = MountPropagation::Bidirectional;
      else fail(join(ipath, "mountPropagation"), "unknown propagation \"" + p + "\" (None, HostToContainer, Bidirectional)");
    }
    out.push_back(std::move(m));
  }
  return out;
}

ObjectKeyRef parse_object_key_ref(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"name", "key", "optional"});
  ObjectKeyRef r;
  if (!present(n["name"])) fail(join(path, "name"), "required");
  r.name = str(n["name"], join(path, "name"));
  check_dns_subdomain(r.name, join(path, "name"));
  if (!present(n["key"])) fail(join(path, "key"), "required");
  r.key = str(n["key"], join(path, "key"));
  if (r.key.empty()) fail(join(path, "key"), "required");
  r.optional = opt<bool>(n, "optional", path, boolean).value_or(false);
  return r;
}

std::vector<EnvFromSource> parse_env_from(const YAML::Node& n, const std::string& path) {
  std::vector<EnvFromSource> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string ipath = at(path, i);
    expect_map(n[i], ipath);
    check_keys(n[i], ipath, {"prefix", "configMapRef", "secretRef"});
    EnvFromSource e;
    if (present(n[i]["prefix"])) e.prefix = str(n[i]["prefix"], join(ipath, "prefix"));
    const bool cm = present(n[i]["configMapRef"]);
    const bool secret = present(n[i]["secretRef"]);
    if (cm == secret) fail(ipath, "exactly one of configMapRef and secretRef is required");
    e.secret = secret;
    const std::string rpath = join(ipath, secret ? "secretRef" : "configMapRef");
    const YAML::Node ref = n[i][secret ? "secretRef" : "configMapRef"];
    expect_map(ref, rpath);
    check_keys(ref, rpath, {"name", "optional"});
    if (!present(ref["name"])) fail(join(rpath, "name"), "required");
    e.name = str(ref["name"], join(rpath, "name"));
    check_dns_subdomain(e.name, join(rpath, "name"));
    e.optional = opt<bool>(ref, "optional", rpath, boolean).value_or(false);
    out.push_back(std::move(e));
  }
  return out;
}

void check_volume_references(const PodSpec& spec) {
  std::set<std::string> volumes;
  for (const auto& v : spec.volumes) volumes.insert(v.name);
  std::set<std::string> containers;
  for (const auto* list : {&spec.init_containers, &spec.containers})
    for (const auto& c : *list) containers.insert(c.name);
  for (const auto* list : {&spec.init_containers, &spec.containers}) {
    const std::string lpath = list == &spec.containers ? "spec.containers" : "spec.initContainers";
    for (std::size_t ci = 0; ci < list->size(); ++ci) {
      const Container& c = (*list)[ci];
      std::set<std::string> paths;
      for (std::size_t mi = 0; mi < c.volume_mounts.size(); ++mi) {
        const VolumeMount& m = c.volume_mounts[mi];
        const std::string mpath = at(join(at(lpath, ci), "volumeMounts"), mi);
        if (!volumes.count(m.name)) fail(join(mpath, "name"), "no volume named \"" + m.name + "\" in spec.volumes");
        if (!paths.insert(m.mount_path).second)
          fail(join(mpath, "mountPath"), "\"" + m.mount_path + "\" is mounted twice");
        const bool privileged = c.security_context && c.security_context->privileged.value_or(false);
        if (m.propagation == MountPropagation::Bidirectional && !privileged)
          fail(join(mpath, "mountPropagation"), "Bidirectional is allowed only in privileged containers");
      }
    }
  }
  auto check_sources = [&](const DownwardApiSource& d, const std::string& path) {
    for (std::size_t i = 0; i < d.items.size(); ++i)
      if (d.items[i].resource_field_ref && !containers.count(d.items[i].resource_field_ref->container_name))
        fail(at(path, i) + ".resourceFieldRef.containerName",
             "no container named \"" + d.items[i].resource_field_ref->container_name + "\"");
  };
  for (std::size_t vi = 0; vi < spec.volumes.size(); ++vi) {
    const std::string vpath = at("spec.volumes", vi);
    if (const auto* d = std::get_if<DownwardApiVolume>(&spec.volumes[vi].source))
      check_sources(d->source, vpath + ".downwardAPI.items");
    if (const auto* p = std::get_if<ProjectedVolume>(&spec.volumes[vi].source))
      for (std::size_t si = 0; si < p->sources.size(); ++si)
        if (const auto* d = std::get_if<DownwardApiSource>(&p->sources[si]))
          check_sources(*d, at(vpath + ".projected.sources", si) + ".downwardAPI.items");
  }
}

}  // namespace agent::pod
