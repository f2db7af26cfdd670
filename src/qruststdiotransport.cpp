#include <QRustBridge/qruststdiotransport.h>

#include "childlifetime_p.h"
#include "logging_p.h"
#include "pipes_p.h"

#include "tr_p.h"
#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QTimer>

#ifdef Q_OS_UNIX
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#endif

class QRustStdioTransportPrivate
{
public:
    void readStandardOutput();
    void readStandardError(bool flushPartial);
#ifdef Q_OS_UNIX
    // Creates the stdout pipe; false (and errno) if the system refused.
    bool createStdoutPipe(int &childEnd);
    // Reads what the pipe holds now, paused or not: the process is gone.
    void drainStandardOutput();
    void closeStandardOutput();
#endif
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);

    QRustStdioTransport *q = nullptr;
    QString m_program;
    QStringList m_arguments;
    QProcessEnvironment m_extraEnvironment;
    QProcess *m_process = nullptr;
    QTimer *m_killTimer = nullptr;
    QRustLineScanner m_stderrScanner{1024 * 1024};
    qint64 m_pid = 0;
    int m_killDelayMs = 5000;
    bool m_started = false;
    bool m_readingPaused = false;  // setReadingPaused(); applied once started
#ifdef Q_OS_UNIX
    // Stdout is our own pipe, not QProcess's: QProcess reads its pipes as
    // fast as data comes and buffers without limit, so pausing could not
    // hold the backend back. Disabling this notifier does.
    int m_stdoutFd = -1;
    QSocketNotifier *m_stdoutNotifier = nullptr;
    bool m_stdoutAtEnd = false;  // the backend closed it: never enable the notifier again
#endif
};

QRustStdioTransport::QRustStdioTransport(const QString &program, const QStringList &arguments,
                                         const QProcessEnvironment &extraEnvironment, QObject *parent)
    : QRustTransport(parent)
    , d(std::make_unique<QRustStdioTransportPrivate>())
{
    d->q = this;
    d->m_program = program;
    d->m_arguments = arguments;
    d->m_extraEnvironment = extraEnvironment;
}

QRustStdioTransport::~QRustStdioTransport()
{
    if (d->m_process && d->m_process->state() != QProcess::NotRunning)
        terminateNow(0);
#ifdef Q_OS_UNIX
    d->closeStandardOutput();
#endif
}

void QRustStdioTransport::open()
{
    QRustStdioTransportPrivate *d = this->d.get();
    d->m_process = new QProcess(this);
    d->m_process->setProgram(d->m_program);
    d->m_process->setArguments(d->m_arguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(d->m_extraEnvironment);
    d->m_process->setProcessEnvironment(environment);
#ifdef Q_OS_UNIX
    int childStdout = -1;
    if (!d->createStdoutPipe(childStdout)) {
        const QString why = QString::fromLocal8Bit(::strerror(errno));
        QMetaObject::invokeMethod(this, [this, d, why] {
            Q_EMIT openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                               QRustBridgeTr::tr("could not start %1: %2").arg(d->m_program, why)));
        }, Qt::QueuedConnection);
        return;
    }
    d->m_process->setStandardOutputFile(QProcess::nullDevice());
#endif
#ifdef Q_OS_UNIX
    // The backend must not outlive us (src/childlifetime_p.h).
    const pid_t parentPid = getpid();
    // Runs in the child after QProcess set up its channels (async-signal-safe calls only).
    d->m_process->setChildProcessModifier([=] {
        if (childStdout == STDOUT_FILENO)
            ::fcntl(STDOUT_FILENO, F_SETFD, 0);
        else
            ::dup2(childStdout, STDOUT_FILENO);  // the copy is not close-on-exec
        ChildLifetime::tieChildToParent(parentPid);
    });
#endif
    connect(d->m_process, &QProcess::started, this, [this, d] {
        ChildLifetime::adoptStartedChild(d->m_process);
        d->m_started = true;
        d->m_pid = d->m_process->processId();
        QPointer<QRustStdioTransport> alive(this);
        Q_EMIT opened();
#ifdef Q_OS_UNIX
        if (alive && d->m_stdoutNotifier && !d->m_readingPaused)
            d->m_stdoutNotifier->setEnabled(true);
#endif
    });
#ifdef Q_OS_UNIX
    // Off until started(): the backend may write before QProcess has seen it
    // start, and a reply must not reach the bridge before opened() (a request
    // it answers would find the process not yet Running and be refused).
    d->m_stdoutNotifier = new QSocketNotifier(d->m_stdoutFd, QSocketNotifier::Read, this);
    d->m_stdoutNotifier->setEnabled(false);
    connect(d->m_stdoutNotifier, &QSocketNotifier::activated, this, [d] { d->readStandardOutput(); });
#else
    connect(d->m_process, &QProcess::readyReadStandardOutput, this, [d] { d->readStandardOutput(); });
#endif
    connect(d->m_process, &QProcess::readyReadStandardError, this, [d] { d->readStandardError(false); });
    connect(d->m_process, &QProcess::bytesWritten, this, &QRustTransport::bytesWritten);
    connect(d->m_process, &QProcess::finished, this,
            [d](int exitCode, QProcess::ExitStatus status) { d->onFinished(exitCode, status); });
    connect(d->m_process, &QProcess::errorOccurred, this,
            [d](QProcess::ProcessError error) { d->onErrorOccurred(error); });
    d->m_process->start(QIODevice::ReadWrite | QIODevice::Unbuffered);
#ifdef Q_OS_UNIX
    // QProcess forks inside start(): the child has its copy now.
    ::close(childStdout);
#endif
}

void QRustStdioTransport::close()
{
    if (!d->m_process || d->m_process->state() == QProcess::NotRunning)
        return;
    d->m_process->terminate();
    if (!d->m_killTimer) {
        d->m_killTimer = new QTimer(this);
        d->m_killTimer->setSingleShot(true);
        connect(d->m_killTimer, &QTimer::timeout, this, [this] {
            if (d->m_process && d->m_process->state() != QProcess::NotRunning) {
                qCWarning(lcQRustBridge) << "backend ignored SIGTERM; sending SIGKILL";
                d->m_process->kill();
            }
        });
    }
    d->m_killTimer->start(d->m_killDelayMs);
}

bool QRustStdioTransport::write(const QByteArray &data)
{
    if (!d->m_process || d->m_process->state() != QProcess::Running)
        return false;
    return d->m_process->write(data) == data.size();
}

qint64 QRustStdioTransport::bytesToWrite() const
{
    return d->m_process ? d->m_process->bytesToWrite() : 0;
}

void QRustStdioTransport::setReadingPaused(bool paused)
{
#ifdef Q_OS_UNIX
    // The pipe fills and the backend's writes block: that is the backpressure.
    d->m_readingPaused = paused;
    if (d->m_stdoutNotifier && !d->m_stdoutAtEnd && d->m_started)
        d->m_stdoutNotifier->setEnabled(!paused);
#else
    Q_UNUSED(paused)
#endif
}

void QRustStdioTransport::setKillDelayMs(int ms)
{
    d->m_killDelayMs = ms;
}

void QRustStdioTransport::terminateNow(int graceMs)
{
    if (!d->m_process || d->m_process->state() == QProcess::NotRunning)
        return;
    // Called while the bridge is being destroyed: nobody listens any more.
    d->m_process->disconnect(this);
    d->m_process->closeWriteChannel();
    d->m_process->terminate();
    if (graceMs <= 0 || !d->m_process->waitForFinished(graceMs)) {
        d->m_process->kill();
        d->m_process->waitForFinished(5000);
    }
}

#ifdef Q_OS_UNIX
bool QRustStdioTransportPrivate::createStdoutPipe(int &childEnd)
{
    int fds[2];
    if (!Pipes::createCloseOnExec(fds))
        return false;
    // Only our end is non-blocking; the backend's writes block when the pipe is full.
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    m_stdoutFd = fds[0];
    childEnd = fds[1];
    return true;
}

void QRustStdioTransportPrivate::readStandardOutput()
{
    if (m_stdoutFd < 0)
        return;
    // One read of what the pipe holds, as QProcess would do.
    int available = 0;
    if (::ioctl(m_stdoutFd, FIONREAD, &available) != 0 || available <= 0)
        available = 4096;
    QByteArray data(available, Qt::Uninitialized);
    ssize_t got;
    do {
        got = ::read(m_stdoutFd, data.data(), size_t(available));
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        data.truncate(qsizetype(got));
        Q_EMIT q->dataReceived(data);
    } else if (got == 0 || errno != EAGAIN) {
        // End of file: the backend closed its stdout; its exit comes through QProcess.
        m_stdoutAtEnd = true;
        if (m_stdoutNotifier)
            m_stdoutNotifier->setEnabled(false);
    }
}

void QRustStdioTransportPrivate::drainStandardOutput()
{
    if (m_stdoutFd < 0)
        return;
    // Bounded: the writer is gone, so only what the pipe held remains (a
    // grandchild that inherited stdout could keep writing: stop after a while).
    for (int round = 0; round < 256 && m_stdoutFd >= 0; ++round) {
        int available = 0;
        if (::ioctl(m_stdoutFd, FIONREAD, &available) != 0 || available <= 0)
            break;
        readStandardOutput();
    }
    closeStandardOutput();
}

void QRustStdioTransportPrivate::closeStandardOutput()
{
    delete m_stdoutNotifier;
    m_stdoutNotifier = nullptr;
    if (m_stdoutFd >= 0)
        ::close(m_stdoutFd);
    m_stdoutFd = -1;
}
#else
void QRustStdioTransportPrivate::readStandardOutput()
{
    const QByteArray data = m_process->readAllStandardOutput();
    if (!data.isEmpty())
        Q_EMIT q->dataReceived(data);
}
#endif

void QRustStdioTransportPrivate::readStandardError(bool flushPartial)
{
    const QByteArray data = m_process->readAllStandardError();
    QByteArrayList lines = m_stderrScanner.push(data);
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT q->standardErrorLine(QString::fromUtf8(line));
    }
    if (flushPartial && m_stderrScanner.bufferedBytes() > 0) {
        // What a crashing backend printed last often has no newline.
        const QByteArrayList rest = m_stderrScanner.push(QByteArrayLiteral("\n"));
        for (const QByteArray &line : rest)
            Q_EMIT q->standardErrorLine(QString::fromUtf8(line));
    }
}

void QRustStdioTransportPrivate::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_killTimer)
        m_killTimer->stop();
#ifdef Q_OS_UNIX
    drainStandardOutput();
#else
    readStandardOutput();
#endif
    readStandardError(true);
    Q_EMIT q->processFinished(exitCode, status);
    const QString why = status == QProcess::CrashExit
        ? QRustBridgeTr::tr("the backend crashed")
        : QRustBridgeTr::tr("the backend exited with code %1").arg(exitCode);
    Q_EMIT q->closed(QRustBridgeError(QRustBridgeError::Code::ProcessExited, why));
}

void QRustStdioTransportPrivate::onErrorOccurred(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart && !m_started) {
        Q_EMIT q->openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                           QRustBridgeTr::tr("could not start %1: %2")
                                               .arg(m_program, m_process->errorString())));
        return;
    }
    if (error != QProcess::Crashed)
        qCDebug(lcQRustBridge) << "process error" << error << m_process->errorString();
}

int QRustStdioTransport::killDelayMs() const
{
    return d->m_killDelayMs;
}

qint64 QRustStdioTransport::processId() const
{
    return d->m_pid;
}
