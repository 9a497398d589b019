#include "shim/server/request_log_fields.h"

#include <google/protobuf/descriptor.h>

namespace shim {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The string field `name` of `message`, "" when it has none.
std::string string_field(const Message& message, const char* name) {
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return {};
  return message.GetReflection()->GetString(message, field);
}

// The message field `name` of `message`, null when it has none or it is unset.
const Message* message_field(const Message& message, const char* name) {
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return nullptr;
  if (!message.GetReflection()->HasField(message, field)) return nullptr;
  return &message.GetReflection()->GetMessage(message, field);
}

void add(common::LogFields& fields, const char* key, std::string value) {
  if (value.empty()) return;
  for (const auto& [existing, unused] : fields)
    if (existing == key) return;
  fields.emplace_back(key, std::move(value));
}

// A config's metadata: a pod's (it has a namespace) or a container's.
void add_metadata(common::LogFields& fields, const Message& config) {
  const Message* metadata = message_field(config, "metadata");
  if (metadata == nullptr) return;
  const bool is_pod = metadata->GetDescriptor()->FindFieldByName("namespace") != nullptr;
  add(fields, is_pod ? "pod" : "container", string_field(*metadata, "name"));
  if (is_pod) add(fields, "namespace", string_field(*metadata, "namespace"));
}

}  // namespace

common::LogFields request_log_fields(std::string_view rpc, const Message& request) {
  common::LogFields fields;
  fields.emplace_back("rpc", std::string(rpc));
  add(fields, "pod_sandbox_id", string_field(request, "pod_sandbox_id"));
  add(fields, "container_id", string_field(request, "container_id"));
  if (const Message* sandbox_config = message_field(request, "sandbox_config")) add_metadata(fields, *sandbox_config);
  if (const Message* config = message_field(request, "config")) add_metadata(fields, *config);
  if (const Message* image = message_field(request, "image")) add(fields, "image", string_field(*image, "image"));
  return fields;
}

}  // namespace shim
