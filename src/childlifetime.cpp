#include "childlifetime_p.h"

#include "logging_p.h"

#include <QtCore/QProcess>

#if defined(Q_OS_LINUX) && !defined(QRUSTBRIDGE_PORTABLE_FALLBACKS)
#define QRB_USE_PDEATHSIG 1
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

#ifdef Q_OS_WIN
#include <qt_windows.h>
#endif

ChildLifetime::Mechanism ChildLifetime::mechanism()
{
#if defined(QRB_USE_PDEATHSIG)
    return Mechanism::ParentDeathSignal;
#elif defined(Q_OS_WIN)
    return Mechanism::JobObject;
#else
    return Mechanism::StdinEndOfFile;
#endif
}

#ifdef Q_OS_UNIX
void ChildLifetime::tieChildToParent(pid_t parentPid)
{
#if defined(QRB_USE_PDEATHSIG)
    // PDEATHSIG fires when the forking *thread* ends: the bridge's thread
    // (a bridge does nothing once its thread is gone), or for transports
    // with an I/O thread of their own, that thread.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parentPid)  // the parent died before prctl took effect
        ::_exit(127);
#else
    // macOS and the BSDs have no parent-death signal. The backend's stdin is
    // a pipe whose only writer is us: when we die, it reads end of file.
    Q_UNUSED(parentPid)
#endif
}
#endif

void ChildLifetime::adoptStartedChild(QProcess *process)
{
#ifdef Q_OS_WIN
    // One job for all backends of this process. The handle is never closed:
    // Windows closes it when we exit, however we exit, and KILL_ON_JOB_CLOSE
    // then ends every process in the job. (Not compiled in CI.)
    static HANDLE job = [] {
        HANDLE created = ::CreateJobObjectW(nullptr, nullptr);
        if (created) {
            JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {};
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            if (!::SetInformationJobObject(created, JobObjectExtendedLimitInformation, &limits,
                                           sizeof(limits))) {
                ::CloseHandle(created);
                created = nullptr;
            }
        }
        return created;
    }();
    // Between CreateProcess and here the child runs outside the job; a
    // grandchild it starts in that window is not covered.
    HANDLE child = ::OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE,
                                 DWORD(process->processId()));
    const bool assigned = job && child && ::AssignProcessToJobObject(job, child);
    if (child)
        ::CloseHandle(child);
    if (!assigned)
        qCWarning(lcQRustBridge) << "could not tie the backend to this process's lifetime (job object)";
#else
    Q_UNUSED(process)
#endif
}
