// The documents of a YAML (or JSON) text, as YAML::LoadAll reads them, but
// never looping: yaml-cpp 0.7 (Debian 12's) loops forever, adding a null
// document per turn until memory runs out, on a stream its parser does not
// consume, such as "," (yaml-cpp issue #1040, fixed upstream in 0.8.0). A
// manifest file, URL body or API request of one comma would take node-agent
// down.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace agent::pod {

// Throws YAML::ParserException for text yaml-cpp cannot read, including the
// text it would loop on.
std::vector<YAML::Node> load_yaml_documents(const std::string& text);

}  // namespace agent::pod
