// The container store's memory (container_store.h): records by full Docker
// ID, where each write is the result of a Docker read and reads land in the
// order they were issued. A read takes a ticket before it is sent to Docker;
// its result is kept only if no read issued later has landed for that ID
// first. "Gone" is a result too (a tombstone), kept while any read issued
// before it is still in flight, so that a slow inspect cannot revive a
// removed container. Each read also notes when it was issued (Unix
// nanoseconds, the caller's clock), so an event older than a landed read
// can be known as seen already. Pure logic, no Docker, not thread-safe: the
// store holds it under its mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "docker-client/types.h"

namespace shim {

class RecordMap {
 public:
  using Record = std::shared_ptr<const docker::ContainerInspect>;

  // A ticket for a read about to be issued at `issued_at` (Unix nanoseconds).
  std::uint64_t begin_read(std::int64_t issued_at = 0);
  // The read of `ticket` is over. Keeps `record` for `id` (null: the object
  // is gone) unless a read issued later landed for `id` first; `id` empty:
  // the read had nothing to keep (it failed).
  void land(const std::string& id, std::uint64_t ticket, Record record);
  // A listing issued with `ticket` showed exactly `listed`: every record
  // read before it and not listed is gone.
  void drop_unlisted(std::uint64_t ticket, const std::unordered_set<std::string>& listed);

  // The record of a full ID; null when unknown or gone.
  Record get(const std::string& id) const;
  // The record that `id` names: the full ID, or among the records that
  // `accept` takes, the only one whose ID starts with `id`; null otherwise.
  Record find(std::string_view id, const std::function<bool(const docker::ContainerInspect&)>& accept) const;
  std::vector<Record> all() const;
  // Whether a record of `id` was read before `ticket` (or none was read).
  bool older_than(const std::string& id, std::uint64_t ticket) const;
  // Whether `id` has a record (or a tombstone) whose read was issued after
  // `unix_nanos`: it shows whatever happened to the object until then.
  bool read_after(const std::string& id, std::int64_t unix_nanos) const;
  // IDs that have a record.
  std::vector<std::string> ids() const;

  // Changes whenever the set of records does (a record kept, replaced or
  // dropped): the same version means the same all().
  std::uint64_t version() const { return version_; }

  std::size_t size() const;        // records
  std::size_t tombstones() const;  // gone, kept for reads in flight
  std::size_t in_flight() const { return in_flight_.size(); }

 private:
  struct Entry {
    std::uint64_t ticket = 0;    // of the read that wrote it
    std::int64_t issued_at = 0;  // when that read was issued
    Record record;               // null: gone
  };
  void prune_tombstones();

  std::map<std::string, Entry> entries_;  // ordered: prefixes are ranges
  std::vector<std::string> tombstones_;
  std::uint64_t last_ticket_ = 0;
  std::uint64_t version_ = 1;
  std::map<std::uint64_t, std::int64_t> in_flight_;  // ticket -> when its read was issued
};

}  // namespace shim
