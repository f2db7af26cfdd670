#pragma once

#include <QRustBridge/qrustlinescanner.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QStringList>

class QTimer;

// Runs the backend as a child process and talks to it over stdin/stdout.
// Stderr is split into lines and reported separately.
class StdioTransport : public QRustTransport
{
    Q_OBJECT
public:
    StdioTransport(const QString &program, const QStringList &arguments,
                   const QProcessEnvironment &extraEnvironment, QObject *parent = nullptr);
    ~StdioTransport() override;

    void open() override;
    // SIGTERM now, SIGKILL if the process is still there after killDelayMs.
    void close() override;
    bool write(const QByteArray &data) override;
    qint64 bytesToWrite() const override;

    void setKillDelayMs(int ms);
    qint64 processId() const { return m_pid; }
    // For the bridge's destructor: ends the process before returning (bounded wait).
    void terminateNow(int graceMs);

Q_SIGNALS:
    void standardErrorLine(const QString &line);
    void processFinished(int exitCode, QProcess::ExitStatus status);

private:
    void readStandardOutput();
    void readStandardError(bool flushPartial);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);

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
