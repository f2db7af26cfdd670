// LD_PRELOAD'ed into the tsan test runs: the `tsan` preset builds it
// (tests/sanitizers/hook.cmake) and its test preset preloads it.
//
// QProcess (Qt 6.4, forkfd) starts children with
// clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD). GCC 12's ThreadSanitizer
// runtime intercepts clone() and runs its fork-child bookkeeping inside the
// child, which here shares the parent's memory. The
// parent is left flagged "after multi-threaded fork" (its next
// QThread::start() dies: "starting new threads after multi-threaded fork is
// not supported"), and the thread that spawned the child (the bridge's I/O
// thread) is left ignoring all its memory accesses and synchronization, so
// TSan would silently stop checking it. A CLONE_VM child only runs the
// child-process modifier and execve(), so this shim hands such clone() calls
// straight to glibc; every other clone() still goes through TSan.
#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>

#include <cstdarg>

namespace {
using CloneFunction = int (*)(int (*)(void *), void *, int, void *, ...);

CloneFunction realClone(bool sharesMemory)
{
    if (sharesMemory) {
        void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        return libc ? reinterpret_cast<CloneFunction>(dlsym(libc, "clone")) : nullptr;
    }
    return reinterpret_cast<CloneFunction>(dlsym(RTLD_NEXT, "clone"));  // TSan's interceptor
}
} // namespace

extern "C" __attribute__((visibility("default"))) int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    va_list args;
    va_start(args, arg);
    pid_t *parentTid = va_arg(args, pid_t *);
    void *tls = va_arg(args, void *);
    pid_t *childTid = va_arg(args, pid_t *);
    va_end(args);
    return realClone((flags & CLONE_VM) != 0)(fn, stack, flags, arg, parentTid, tls, childTid);
}
