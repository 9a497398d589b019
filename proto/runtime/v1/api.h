// The CRI v1 messages and gRPC services, safe to include in any order, and
// the one name the code gives them: `cri::` (the generated package
// runtime.v1 would read like the shim/runtime and agent/runtime folders).
//
// The CRI enum runtime.v1.Signal has values named like <signal.h>'s macros
// (SIGKILL, SIGTERM, SIGRTMIN, ...). Once <signal.h> is in (<csignal>,
// Boost.Asio and others pull it in), those macros break the generated
// api.pb.h, which declares them as enumerators. This header sets the macros
// aside while the generated headers are read, and restores them afterwards.
//
// Afterwards the macros win: write cri::Signal values as
// cri::Signal_Parse("SIGKILL", &s) or by number, not as cri::SIGKILL.
#pragma once

// Included first so the macros restored below are glibc's final definitions.
#include <csignal>

#pragma push_macro("SIGABRT")
#undef SIGABRT
#pragma push_macro("SIGALRM")
#undef SIGALRM
#pragma push_macro("SIGBUS")
#undef SIGBUS
#pragma push_macro("SIGCHLD")
#undef SIGCHLD
#pragma push_macro("SIGCLD")
#undef SIGCLD
#pragma push_macro("SIGCONT")
#undef SIGCONT
#pragma push_macro("SIGFPE")
#undef SIGFPE
#pragma push_macro("SIGHUP")
#undef SIGHUP
#pragma push_macro("SIGILL")
#undef SIGILL
#pragma push_macro("SIGINT")
#undef SIGINT
#pragma push_macro("SIGIO")
#undef SIGIO
#pragma push_macro("SIGIOT")
#undef SIGIOT
#pragma push_macro("SIGKILL")
#undef SIGKILL
#pragma push_macro("SIGPIPE")
#undef SIGPIPE
#pragma push_macro("SIGPOLL")
#undef SIGPOLL
#pragma push_macro("SIGPROF")
#undef SIGPROF
#pragma push_macro("SIGPWR")
#undef SIGPWR
#pragma push_macro("SIGQUIT")
#undef SIGQUIT
#pragma push_macro("SIGSEGV")
#undef SIGSEGV
#pragma push_macro("SIGSTKFLT")
#undef SIGSTKFLT
#pragma push_macro("SIGSTOP")
#undef SIGSTOP
#pragma push_macro("SIGSYS")
#undef SIGSYS
#pragma push_macro("SIGTERM")
#undef SIGTERM
#pragma push_macro("SIGTRAP")
#undef SIGTRAP
#pragma push_macro("SIGTSTP")
#undef SIGTSTP
#pragma push_macro("SIGTTIN")
#undef SIGTTIN
#pragma push_macro("SIGTTOU")
#undef SIGTTOU
#pragma push_macro("SIGURG")
#undef SIGURG
#pragma push_macro("SIGUSR1")
#undef SIGUSR1
#pragma push_macro("SIGUSR2")
#undef SIGUSR2
#pragma push_macro("SIGVTALRM")
#undef SIGVTALRM
#pragma push_macro("SIGWINCH")
#undef SIGWINCH
#pragma push_macro("SIGXCPU")
#undef SIGXCPU
#pragma push_macro("SIGXFSZ")
#undef SIGXFSZ
#pragma push_macro("SIGRTMIN")
#undef SIGRTMIN
#pragma push_macro("SIGRTMAX")
#undef SIGRTMAX

#include "runtime/v1/api.grpc.pb.h"  // includes runtime/v1/api.pb.h
#include "runtime/v1/api.pb.h"

#pragma pop_macro("SIGABRT")
#pragma pop_macro("SIGALRM")
#pragma pop_macro("SIGBUS")
#pragma pop_macro("SIGCHLD")
#pragma pop_macro("SIGCLD")
#pragma pop_macro("SIGCONT")
#pragma pop_macro("SIGFPE")
#pragma pop_macro("SIGHUP")
#pragma pop_macro("SIGILL")
#pragma pop_macro("SIGINT")
#pragma pop_macro("SIGIO")
#pragma pop_macro("SIGIOT")
#pragma pop_macro("SIGKILL")
#pragma pop_macro("SIGPIPE")
#pragma pop_macro("SIGPOLL")
#pragma pop_macro("SIGPROF")
#pragma pop_macro("SIGPWR")
#pragma pop_macro("SIGQUIT")
#pragma pop_macro("SIGSEGV")
#pragma pop_macro("SIGSTKFLT")
#pragma pop_macro("SIGSTOP")
#pragma pop_macro("SIGSYS")
#pragma pop_macro("SIGTERM")
#pragma pop_macro("SIGTRAP")
#pragma pop_macro("SIGTSTP")
#pragma pop_macro("SIGTTIN")
#pragma pop_macro("SIGTTOU")
#pragma pop_macro("SIGURG")
#pragma pop_macro("SIGUSR1")
#pragma pop_macro("SIGUSR2")
#pragma pop_macro("SIGVTALRM")
#pragma pop_macro("SIGWINCH")
#pragma pop_macro("SIGXCPU")
#pragma pop_macro("SIGXFSZ")
#pragma pop_macro("SIGRTMIN")
#pragma pop_macro("SIGRTMAX")

namespace cri = ::runtime::v1;
