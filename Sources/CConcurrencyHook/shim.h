// Swift's runtime calls through this pointer, when set, to enqueue every job meant for the
// global executor (swift/Runtime/Concurrency.h: `swift_task_enqueueGlobal_hook`). Declared here
// so that TomeServer's `ServingExecutor` can reach it where the runtime is linked statically:
// `--static-swift-stdlib` links with `--exclude-libs ALL`, so the runtime's symbols are not
// exported and cannot be found with `dlsym`, but a reference like this one is still resolved
// when the executable is linked (and against libswift_Concurrency.so when it is not static).
extern void *swift_task_enqueueGlobal_hook;

/// Where the hook is stored (a function, so Swift reads no C global as shared mutable state).
static inline void **tome_swift_task_enqueueGlobal_hook(void) { return &swift_task_enqueueGlobal_hook; }
