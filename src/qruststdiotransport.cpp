#include <QRustBridge/qruststdiotransport.h>

#include "logging_p.h"

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QTimer>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

class QRustStdioTransportPrivate
{
public:
    void readStandardOutput();
    void readStandardError(bool flushPartial);
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
#ifdef Q_OS_LINUX
    // The backend must not outlive us. PDEATHSIG fires when the forking
    // thread ends, which is our I/O thread: it lives exactly as long as the bridge.
    const pid_t parentPid = getpid();
    d->m_process->setChildProcessModifier([parentPid] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parentPid)  // the parent died before prctl took effect
            ::_exit(127);
    });
#endif
    connect(d->m_process, &QProcess::started, this, [this, d] {
        d->m_started = true;
        d->m_pid = d->m_process->processId();
        Q_EMIT opened();
    });
    connect(d->m_process, &QProcess::readyReadStandardOutput, this, [d] { d->readStandardOutput(); });
    connect(d->m_process, &QProcess::readyReadStandardError, this, [d] { d->readStandardError(false); });
    connect(d->m_process, &QProcess::bytesWritten, this, &QRustTransport::bytesWritten);
    connect(d->m_process, &QProcess::finished, this,
            [d](int exitCode, QProcess::ExitStatus status) { d->onFinished(exitCode, status); });
    connect(d->m_process, &QProcess::errorOccurred, this,
            [d](QProcess::ProcessError error) { d->onErrorOccurred(error); });
    d->m_process->start(QIODevice::ReadWrite | QIODevice::Unbuffered);
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

void QRustStdioTransportPrivate::readStandardOutput()
{
    const QByteArray data = m_process->readAllStandardOutput();
    if (!data.isEmpty())
        Q_EMIT q->dataReceived(data);
}

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
    readStandardOutput();
    readStandardError(true);
    Q_EMIT q->processFinished(exitCode, status);
    const QString why = status == QProcess::CrashExit
        ? QRustBridge::tr("the backend crashed")
        : QRustBridge::tr("the backend exited with code %1").arg(exitCode);
    Q_EMIT q->closed(QRustBridgeError(QRustBridgeError::Code::ProcessExited, why));
}

void QRustStdioTransportPrivate::onErrorOccurred(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart && !m_started) {
        Q_EMIT q->openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                           QRustBridge::tr("could not start %1: %2")
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
