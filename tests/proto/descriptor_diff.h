// Compares two proto files on what a peer on the wire depends on.
#pragma once

#include <google/protobuf/descriptor.pb.h>

#include <string>
#include <vector>

namespace cri_test {

// Every difference between `ours` and `reference`, one readable line each,
// e.g. "message runtime.v1.Foo: field bar: number 3 != 4" (ours on the left),
// "missing message runtime.v1.Foo" (only in reference) or
// "message runtime.v1.Foo: extra field baz" (only in ours).
//
// Compared: package, syntax, messages (recursively), fields (number, label,
// type, type_name, oneof, proto3_optional), oneofs, the map_entry option,
// enums and their values, services and methods. Ignored: json_name, file
// names, declaration order and every other option, none of which reach the
// wire.
std::vector<std::string> diff_files(
    const google::protobuf::FileDescriptorProto& ours,
    const google::protobuf::FileDescriptorProto& reference);

}  // namespace cri_test
