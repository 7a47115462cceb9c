// Linked into every program that links the prover (see prover/CMakeLists.txt), not called.
//
// oneTBB starts its worker threads when a thread first runs parallel work, and tears them down
// again when the last thread that used it exits. Prova's proofs run on threads of their own (the
// service's workers, its HTTP threads computing image IDs, tests' threads), so in a long-running
// process that teardown would run after every job, and in every process at exit. It is also where
// oneTBB has a known rare crash (uxlfoundation/oneTBB#1758: a segfault in pthread_detach while
// shutting workers down, reported for exactly this shape of program). Holding one scheduler
// reference for the whole life of the process means the teardown never runs: the workers are
// started once, reused by every proof, and end with the process.

#include <tbb/global_control.h>

namespace {

// Never destroyed: releasing the handle at exit would run the teardown this exists to avoid (a
// union does not destroy its member). It starts no thread by itself; a program that never runs
// parallel work never gets workers.
union SchedulerLifetime {
  SchedulerLifetime() : handle(tbb::attach{}) {}
  ~SchedulerLifetime() {}
  tbb::task_scheduler_handle handle;
};
SchedulerLifetime scheduler_lifetime;

}  // namespace
