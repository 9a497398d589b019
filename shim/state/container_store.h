// Every Docker container that CRI manages (sandboxes and containers: those
// labelled io.kubernetes.docker.type, cri-dockerd's included) as its latest
// inspect shows it, in memory, kept current by Docker's container events: the
// role of containerd's container and sandbox stores. kubelet relists every
// second (ListPodSandbox, ListContainers) and asks PodSandboxStatus and
// ContainerStatus for every change; answered from here they cost dockerd
// nothing, so a dockerd busy with a pull or many starts does not slow them.
//
// How it stays exact:
// - Each (re)connection of the event watch (start-up, dockerd restarted,
//   the stream cut) begins with a full resynchronisation: one listing, then
//   an inspect of every object; only then is the store live. The watch asks
//   Docker to replay events since just before the listing, so nothing that
//   happened meanwhile is lost.
// - Every container event is a hint: the container is inspected again, or
//   for destroy, forgotten. Except events that cannot change an inspect
//   (exec_*, attach, resize, top, health_status, ...), events older than the
//   read that made the record (the shim's own refresh after its own change:
//   Docker stamps an event under the container's lock, after the change,
//   and inspect takes that lock; so a read sent after the event's time shows
//   it; both clocks are this host's), and kill/die/stop for a record that
//   shows the container stopped already (a later run of it begins with a
//   start event, which is inspected).
// - The shim's own changes refresh() or forget() the object before the call
//   answers, so a client reads its own writes at once.
// - Reads land in the order they were issued (each Docker read takes a
//   ticket): a slow inspect never overwrites a newer one and never revives
//   a removed container. Every Docker state change is followed by an event,
//   whose inspect is issued after the change; so once the events are
//   handled, the store says what Docker says.
// - Docker sends no event for a start that fails: the shim's own failed
//   starts refresh(); every `audit_period` one listing is compared with the
//   store (a safety net) and what differs is inspected again, as is every
//   container still "created" (a failed start behind the shim's back).
// - A read that fails for another reason than 404 ends the event
//   connection, so the store resynchronises.
// - Not live (disconnected, dockerd down, during a resynchronisation):
//   all() and find() ask Docker, after waiting briefly for a resync that
//   is under way.
//
// Records leave out what no CRI call reads back from memory: the raw JSON,
// Env, Entrypoint and Cmd (kubelet's service links make Env most of an
// inspect), the security options and capabilities, the port bindings, the
// log, hosts and hostname paths. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "docker-client/client.h"
#include "shim/events/event_watch.h"
#include "shim/state/labels.h"
#include "shim/state/record_map.h"

namespace shim {

class ContainerStore {
 public:
  using Record = RecordMap::Record;

  struct Settings {
    std::chrono::milliseconds audit_period{std::chrono::seconds(60)};
    // How long all() and find() wait for a resynchronisation under way
    // before they ask Docker themselves.
    std::chrono::milliseconds resync_wait{std::chrono::seconds(5)};
    ReconnectBackoff backoff{};
    bool watch = true;  // false: no watch and no audit, never live (unit tests)
  };

  ContainerStore(docker::Client& docker, Settings settings);
  ~ContainerStore();  // stops and joins the watch and the audit
  ContainerStore(const ContainerStore&) = delete;
  ContainerStore& operator=(const ContainerStore&) = delete;

  bool live() const { return live_.load(); }
  // Which connection of the event watch the store is live on (1, 2, ...):
  // a new number means dockerd may have restarted meanwhile; 0 while not
  // live.
  std::uint64_t live_connection() const;

  // What the store has done so far (Status verbose shows it, as crictl info).
  struct Counters {
    bool live = false;
    std::size_t objects = 0;
    std::uint64_t resynchronisations = 0;  // full ones, each connection of the watch
    std::uint64_t events = 0;              // Docker events handled
    std::uint64_t events_seen_already = 0; // of those, shown by a read made after them
    std::uint64_t inspects = 0;            // Docker reads of one object
    std::uint64_t audits = 0, audit_corrections = 0;
    std::uint64_t answered_from_docker = 0;  // all()/find() calls made while not live
  };
  Counters counters() const;

  // Every sandbox and container. From memory when live; otherwise one
  // listing and an inspect of each (objects removed meanwhile left out).
  // Throws docker::DockerError.
  std::vector<Record> all(const docker::CallOptions& options);

  // The version of the records all() answers from memory now: the same
  // version means the same records (RecordMap::version); 0 while the store
  // is not live (all() would ask Docker). Never waits.
  std::uint64_t version() const;

  // The object of `kind` whose ID is `id` or, among the objects of that
  // kind, the only one whose ID starts with `id`; null when there is none
  // (also for anything that is not a lowercase hex ID). From memory when
  // live, else Docker's inspect. Throws docker::DockerError (never 404).
  Record find(std::string_view id, DockerObjectKind kind, const docker::CallOptions& options);

  // The containers (not the sandbox) whose io.kubernetes.sandbox.id is
  // `sandbox_id`, as all() finds them.
  std::vector<Record> pod_containers(const std::string& sandbox_id, const docker::CallOptions& options);

  // After the shim changed `id` itself: inspects it now and keeps the
  // result (forgets it when Docker no longer has it); returns it, null when
  // gone or when the read failed. Never throws: a failed read makes the
  // store resynchronise (readers ask Docker meanwhile).
  Record refresh(const std::string& id);
  // After the shim removed `id` itself.
  void forget(const std::string& id);

  // One Docker event as the watch hands it over (public for tests);
  // false when the store must resynchronise.
  bool on_event(const docker::Event& event);
  // Keeps `inspect` as a record (tests; and how reads land).
  void keep(docker::ContainerInspect inspect);

 private:
  // Inspects `id` and lands the result; throws DockerError but for 404.
  Record inspect_and_land(const std::string& id, const docker::CallOptions& options);
  void land(const std::string& id, std::uint64_t ticket, Record record);
  std::uint64_t begin_read();
  // Ends the event connection: everything is read again.
  void resynchronise_soon();

  std::string on_connect();  // the full resynchronisation; returns Docker's `since`
  void on_disconnect();
  void audit_loop();
  void audit();
  // Waits up to resync_wait (bounded by the call's deadline) while a
  // resynchronisation is under way; returns live().
  bool wait_live(const docker::CallOptions& options);

  docker::Client& docker_;
  const Settings settings_;
  docker::CallOptions reads_;  // the watch thread's and the audit's: cancelled by the destructor

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // live_ or resyncing_ changed, or stopping
  RecordMap records_;
  bool resyncing_ = false;
  Counters counters_;  // under mutex_ (but live and objects, filled in by counters())

  std::atomic<bool> stopping_{false};
  std::atomic<bool> live_{false};
  std::unique_ptr<EventWatch> watch_;
  std::thread audit_thread_;
};

}  // namespace shim
