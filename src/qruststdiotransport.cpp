#include "stdiotransport_p.h"

#include "logging_p.h"

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QTimer>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

StdioTransport::StdioTransport(const QString &program, const QStringList &arguments,
                               const QProcessEnvironment &extraEnvironment, QObject *parent)
    : QRustTransport(parent)
    , m_program(program)
    , m_arguments(arguments)
    , m_extraEnvironment(extraEnvironment)
{
}

StdioTransport::~StdioTransport()
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        terminateNow(0);
}

void StdioTransport::open()
{
    m_process = new QProcess(this);
    m_process->setProgram(m_program);
    m_process->setArguments(m_arguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(m_extraEnvironment);
    m_process->setProcessEnvironment(environment);
#ifdef Q_OS_LINUX
    // The backend must not outlive us. PDEATHSIG fires when the forking
    // thread ends, which is our I/O thread: it lives exactly as long as the bridge.
    const pid_t parentPid = getpid();
    m_process->setChildProcessModifier([parentPid] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parentPid)  // the parent died before prctl took effect
            ::_exit(127);
    });
#endif
    connect(m_process, &QProcess::started, this, [this] {
        m_started = true;
        m_pid = m_process->processId();
        Q_EMIT opened();
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &StdioTransport::readStandardOutput);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { readStandardError(false); });
    connect(m_process, &QProcess::bytesWritten, this, &QRustTransport::bytesWritten);
    connect(m_process, &QProcess::finished, this, &StdioTransport::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &StdioTransport::onErrorOccurred);
    m_process->start(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void StdioTransport::close()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->terminate();
    if (!m_killTimer) {
        m_killTimer = new QTimer(this);
        m_killTimer->setSingleShot(true);
        connect(m_killTimer, &QTimer::timeout, this, [this] {
            if (m_process && m_process->state() != QProcess::NotRunning) {
                qCWarning(lcQRustBridge) << "backend ignored SIGTERM; sending SIGKILL";
                m_process->kill();
            }
        });
    }
    m_killTimer->start(m_killDelayMs);
}

bool StdioTransport::write(const QByteArray &data)
{
    if (!m_process || m_process->state() != QProcess::Running)
        return false;
    return m_process->write(data) == data.size();
}

qint64 StdioTransport::bytesToWrite() const
{
    return m_process ? m_process->bytesToWrite() : 0;
}

void StdioTransport::setKillDelayMs(int ms)
{
    m_killDelayMs = ms;
}

void StdioTransport::terminateNow(int graceMs)
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    // Called while the bridge is being destroyed: nobody listens any more.
    m_process->disconnect(this);
    m_process->closeWriteChannel();
    m_process->terminate();
    if (graceMs <= 0 || !m_process->waitForFinished(graceMs)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

void StdioTransport::readStandardOutput()
{
    const QByteArray data = m_process->readAllStandardOutput();
    if (!data.isEmpty())
        Q_EMIT dataReceived(data);
}

void StdioTransport::readStandardError(bool flushPartial)
{
    const QByteArray data = m_process->readAllStandardError();
    QByteArrayList lines = m_stderrScanner.push(data);
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT standardErrorLine(QString::fromUtf8(line));
    }
    if (flushPartial && m_stderrScanner.bufferedBytes() > 0) {
        // What a crashing backend printed last often has no newline.
        const QByteArrayList rest = m_stderrScanner.push(QByteArrayLiteral("\n"));
        for (const QByteArray &line : rest)
            Q_EMIT standardErrorLine(QString::fromUtf8(line));
    }
}

void StdioTransport::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_killTimer)
        m_killTimer->stop();
    readStandardOutput();
    readStandardError(true);
    Q_EMIT processFinished(exitCode, status);
    const QString why = status == QProcess::CrashExit
        ? QRustBridge::tr("the backend crashed")
        : QRustBridge::tr("the backend exited with code %1").arg(exitCode);
    Q_EMIT closed(QRustBridgeError(QRustBridgeError::Code::ProcessExited, why));
}

void StdioTransport::onErrorOccurred(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart && !m_started) {
        Q_EMIT openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                           QRustBridge::tr("could not start %1: %2")
                                               .arg(m_program, m_process->errorString())));
        return;
    }
    if (error != QProcess::Crashed)
        qCDebug(lcQRustBridge) << "process error" << error << m_process->errorString();
}
