// Appending an already serialized message to a repeated message field.
//
// Protobuf's wire format for a repeated message field is one
// length-delimited record per item, tagged with the field number; a message
// serializes the unknown fields it holds verbatim. So an item added as an
// unknown length-delimited field with the items' field number goes out as
// exactly the bytes an item set the usual way would, and every client
// parses it as one. The List calls use this to send the entries they keep
// serialized (runtime/record_view_cache.h) without parsing or copying them.
#pragma once

#include <string>

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

namespace shim {

inline void append_serialized(google::protobuf::Message& message, int field_number, const std::string& item) {
  message.GetReflection()->MutableUnknownFields(&message)->AddLengthDelimited(field_number, item);
}

}  // namespace shim
