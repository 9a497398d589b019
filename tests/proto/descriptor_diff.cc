#include "descriptor_diff.h"

#include <map>
#include <string_view>
#include <utility>

namespace cri_test {
namespace {

namespace pb = google::protobuf;

std::string show(const std::string& s) { return s.empty() ? "\"\"" : s; }
std::string show(bool b) { return b ? "true" : "false"; }
std::string show(int i) { return std::to_string(i); }
std::string show(pb::FieldDescriptorProto::Type t) {
  return pb::FieldDescriptorProto::Type_Name(t);
}
std::string show(pb::FieldDescriptorProto::Label l) {
  return pb::FieldDescriptorProto::Label_Name(l);
}

class Differ {
 public:
  std::vector<std::string> take() { return std::move(diffs_); }

  void compare_file(const pb::FileDescriptorProto& ours,
                    const pb::FileDescriptorProto& ref) {
    same("file", "package", ours.package(), ref.package());
    same("file", "syntax", ours.syntax(), ref.syntax());
    const std::string scope = ref.package().empty() ? "" : ref.package() + ".";
    compare_messages(scope, ours.message_type(), ref.message_type());
    compare_enums(scope, ours.enum_type(), ref.enum_type());
    by_name(
        "", "service", ours.service(), ref.service(),
        [&](const auto& o, const auto& r) { compare_service(scope, o, r); },
        scope);
  }

 private:
  template <typename T>
  void same(const std::string& where, std::string_view what, const T& ours,
            const T& ref) {
    if (ours == ref) return;
    diffs_.push_back(where + ": " + std::string(what) + " " + show(ours) +
                     " != " + show(ref));
  }

  // Pairs items up by name; reports those only in one side. `where` is the
  // enclosing scope's label ("" for top-level items, which carry full names).
  template <typename Item, typename Both>
  void by_name(const std::string& where, std::string_view kind,
               const pb::RepeatedPtrField<Item>& ours,
               const pb::RepeatedPtrField<Item>& ref, Both both,
               const std::string& name_prefix = "") {
    const std::string prefix = where.empty() ? "" : where + ": ";
    std::map<std::string, const Item*> ours_by_name;
    for (const Item& o : ours) ours_by_name.emplace(o.name(), &o);
    std::map<std::string, const Item*> ref_by_name;
    for (const Item& r : ref) {
      ref_by_name.emplace(r.name(), &r);
      const auto it = ours_by_name.find(r.name());
      if (it == ours_by_name.end()) {
        diffs_.push_back(prefix + "missing " + std::string(kind) + " " +
                         name_prefix + r.name());
      } else {
        both(*it->second, r);
      }
    }
    for (const Item& o : ours) {
      if (!ref_by_name.contains(o.name())) {
        diffs_.push_back(prefix + "extra " + std::string(kind) + " " +
                         name_prefix + o.name());
      }
    }
  }

  void compare_messages(const std::string& scope,
                        const pb::RepeatedPtrField<pb::DescriptorProto>& ours,
                        const pb::RepeatedPtrField<pb::DescriptorProto>& ref) {
    by_name(
        "", "message", ours, ref,
        [&](const auto& o, const auto& r) {
          compare_message(scope + r.name(), o, r);
        },
        scope);
  }

  void compare_enums(const std::string& scope,
                     const pb::RepeatedPtrField<pb::EnumDescriptorProto>& ours,
                     const pb::RepeatedPtrField<pb::EnumDescriptorProto>& ref) {
    by_name(
        "", "enum", ours, ref,
        [&](const auto& o, const auto& r) {
          compare_enum(scope + r.name(), o, r);
        },
        scope);
  }

  void compare_message(const std::string& full_name,
                       const pb::DescriptorProto& ours,
                       const pb::DescriptorProto& ref) {
    const std::string where = "message " + full_name;
    same(where, "option map_entry", ours.options().map_entry(),
         ref.options().map_entry());
    by_name(where, "field", ours.field(), ref.field(),
            [&](const auto& o, const auto& r) {
              const std::string f = where + ": field " + r.name();
              compare_field(f, o, r);
              // Oneofs are matched by name, not by their position.
              same(f, "oneof", oneof_name(ours, o), oneof_name(ref, r));
            });
    by_name(where, "oneof", ours.oneof_decl(), ref.oneof_decl(),
            [](const auto&, const auto&) {});
    compare_messages(full_name + ".", ours.nested_type(), ref.nested_type());
    compare_enums(full_name + ".", ours.enum_type(), ref.enum_type());
  }

  void compare_field(const std::string& where,
                     const pb::FieldDescriptorProto& ours,
                     const pb::FieldDescriptorProto& ref) {
    same(where, "number", ours.number(), ref.number());
    same(where, "label", ours.label(), ref.label());
    same(where, "type", ours.type(), ref.type());
    same(where, "type_name", ours.type_name(), ref.type_name());
    same(where, "proto3_optional", ours.proto3_optional(),
         ref.proto3_optional());
  }

  static std::string oneof_name(const pb::DescriptorProto& message,
                                const pb::FieldDescriptorProto& field) {
    if (!field.has_oneof_index()) return "none";
    const int i = field.oneof_index();
    return i < message.oneof_decl_size() ? message.oneof_decl(i).name()
                                         : "#" + std::to_string(i);
  }

  void compare_enum(const std::string& full_name,
                    const pb::EnumDescriptorProto& ours,
                    const pb::EnumDescriptorProto& ref) {
    const std::string where = "enum " + full_name;
    by_name(where, "value", ours.value(), ref.value(),
            [&](const auto& o, const auto& r) {
              same(where + ": value " + r.name(), "number", o.number(),
                   r.number());
            });
  }

  void compare_service(const std::string& scope,
                       const pb::ServiceDescriptorProto& ours,
                       const pb::ServiceDescriptorProto& ref) {
    const std::string where = "service " + scope + ref.name();
    by_name(where, "method", ours.method(), ref.method(),
            [&](const auto& o, const auto& r) {
              const std::string m = where + ": method " + r.name();
              same(m, "input_type", o.input_type(), r.input_type());
              same(m, "output_type", o.output_type(), r.output_type());
              same(m, "client_streaming", o.client_streaming(),
                   r.client_streaming());
              same(m, "server_streaming", o.server_streaming(),
                   r.server_streaming());
            });
  }

  std::vector<std::string> diffs_;
};

}  // namespace

std::vector<std::string> diff_files(const pb::FileDescriptorProto& ours,
                                    const pb::FileDescriptorProto& reference) {
  Differ differ;
  differ.compare_file(ours, reference);
  return differ.take();
}

}  // namespace cri_test
