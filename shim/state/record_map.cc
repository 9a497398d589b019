#include "shim/state/record_map.h"

#include <algorithm>

namespace shim {

std::uint64_t RecordMap::begin_read(std::int64_t issued_at) {
  const auto ticket = ++last_ticket_;
  in_flight_[ticket] = issued_at;
  return ticket;
}

void RecordMap::land(const std::string& id, std::uint64_t ticket, Record record) {
  std::int64_t issued_at = 0;
  if (const auto it = in_flight_.find(ticket); it != in_flight_.end()) {
    issued_at = it->second;
    in_flight_.erase(it);
  }
  if (!id.empty()) {
    auto& entry = entries_[id];
    if (entry.ticket < ticket) {
      entry.ticket = ticket;
      entry.issued_at = issued_at;
      if (entry.record != record) ++version_;
      entry.record = std::move(record);
      if (!entry.record) tombstones_.push_back(id);
    }
  }
  prune_tombstones();
}

void RecordMap::drop_unlisted(std::uint64_t ticket, const std::unordered_set<std::string>& listed) {
  for (auto& [id, entry] : entries_) {
    if (entry.record && entry.ticket < ticket && !listed.count(id)) {
      entry.ticket = ticket;
      entry.record = nullptr;
      tombstones_.push_back(id);
      ++version_;
    }
  }
  prune_tombstones();
}

void RecordMap::prune_tombstones() {
  // A tombstone matters only to reads issued before it.
  const std::uint64_t oldest = in_flight_.empty() ? last_ticket_ + 1 : in_flight_.begin()->first;
  std::erase_if(tombstones_, [&](const std::string& id) {
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.record) return true;  // pruned already, or read again
    if (it->second.ticket >= oldest) return false;
    entries_.erase(it);
    return true;
  });
}

RecordMap::Record RecordMap::get(const std::string& id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.record;
}

RecordMap::Record RecordMap::find(std::string_view id,
                                  const std::function<bool(const docker::ContainerInspect&)>& accept) const {
  if (id.empty()) return nullptr;
  Record found;
  for (auto it = entries_.lower_bound(std::string(id));
       it != entries_.end() && it->first.compare(0, id.size(), id) == 0; ++it) {
    if (!it->second.record || !accept(*it->second.record)) continue;
    if (it->first.size() == id.size()) return it->second.record;  // the full ID
    if (found) return nullptr;  // a prefix that names several names none
    found = it->second.record;
  }
  return found;
}

std::vector<RecordMap::Record> RecordMap::all() const {
  std::vector<Record> out;
  out.reserve(entries_.size());
  for (const auto& [id, entry] : entries_)
    if (entry.record) out.push_back(entry.record);
  return out;
}

bool RecordMap::read_after(const std::string& id, std::int64_t unix_nanos) const {
  const auto it = entries_.find(id);
  return it != entries_.end() && it->second.issued_at > unix_nanos;
}

bool RecordMap::older_than(const std::string& id, std::uint64_t ticket) const {
  const auto it = entries_.find(id);
  return it == entries_.end() || it->second.ticket < ticket;
}

std::vector<std::string> RecordMap::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, entry] : entries_)
    if (entry.record) out.push_back(id);
  return out;
}

std::size_t RecordMap::size() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const auto& item) { return item.second.record != nullptr; }));
}

std::size_t RecordMap::tombstones() const { return entries_.size() - size(); }

}  // namespace shim
