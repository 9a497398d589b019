// The comparison itself must catch changes, or a pass of descriptor_test.cc
// means nothing. Runs on a small sample, independent of our proto.

#include "descriptor_diff.h"

#include <doctest/doctest.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>

#include <string>
#include <vector>

namespace {

namespace pb = google::protobuf;

constexpr const char* kSample = R"pb(
  package: "t"
  syntax: "proto3"
  message_type {
    name: "M"
    field { name: "a" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "tags"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".t.M.TagsEntry"
    }
    nested_type {
      name: "TagsEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
      field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
      options { map_entry: true }
    }
  }
  enum_type {
    name: "E"
    value { name: "E_ZERO" number: 0 }
    value { name: "E_ONE" number: 1 }
  }
  service {
    name: "S"
    method { name: "Get" input_type: ".t.M" output_type: ".t.M" }
  }
)pb";

pb::FileDescriptorProto sample() {
  pb::FileDescriptorProto file;
  REQUIRE(pb::TextFormat::ParseFromString(kSample, &file));
  return file;
}

std::string lines(const std::vector<std::string>& all) {
  std::string joined;
  for (const std::string& line : all) joined += "\n  " + line;
  return joined;
}

}  // namespace

TEST_CASE("identical files have no differences") {
  CHECK(cri_test::diff_files(sample(), sample()).empty());
}

TEST_CASE("every difference is named") {
  const pb::FileDescriptorProto reference = sample();
  pb::FileDescriptorProto ours = reference;
  pb::DescriptorProto& m = *ours.mutable_message_type(0);
  m.mutable_field(0)->set_number(3);
  m.add_oneof_decl()->set_name("choice");
  m.mutable_field(0)->set_oneof_index(0);
  m.add_field()->set_name("added");
  m.mutable_nested_type(0)->set_name("Renamed");
  ours.mutable_enum_type(0)->mutable_value(1)->set_number(9);
  ours.mutable_service(0)->mutable_method(0)->set_server_streaming(true);

  const std::vector<std::string> expected = {
      "message t.M: field a: number 3 != 1",
      "message t.M: field a: oneof choice != none",
      "message t.M: extra field added",
      "message t.M: extra oneof choice",
      "missing message t.M.TagsEntry",
      "extra message t.M.Renamed",
      "enum t.E: value E_ONE: number 9 != 1",
      "service t.S: method Get: server_streaming true != false",
  };
  const std::vector<std::string> actual = cri_test::diff_files(ours, reference);
  CHECK_MESSAGE(actual == expected, "got:" << lines(actual));
}

TEST_CASE("missing items and changed map entries are named") {
  const pb::FileDescriptorProto reference = sample();
  pb::FileDescriptorProto ours = reference;
  ours.mutable_message_type(0)->mutable_field()->RemoveLast();
  ours.mutable_message_type(0)
      ->mutable_nested_type(0)
      ->mutable_options()
      ->set_map_entry(false);
  ours.clear_enum_type();
  ours.mutable_service(0)->set_name("Other");

  const std::vector<std::string> expected = {
      "message t.M: missing field tags",
      "message t.M.TagsEntry: option map_entry false != true",
      "missing enum t.E",
      "missing service t.S",
      "extra service t.Other",
  };
  const std::vector<std::string> actual = cri_test::diff_files(ours, reference);
  CHECK_MESSAGE(actual == expected, "got:" << lines(actual));
}
