#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QStringList>

#include <memory>

class QRustStdioTransportPrivate;

/*!
    \class QRustStdioTransport
    \brief Runs the backend as a child process and talks over its stdin/stdout.

    What QRustBridge::spawn() uses. The child gets the inherited environment
    plus \a extraEnvironment, and on Linux dies with the thread that started
    it (PR_SET_PDEATHSIG), so no backend outlives its bridge. Stderr is split
    into lines and reported through standardErrorLine().
*/
class QRUSTBRIDGE_EXPORT QRustStdioTransport : public QRustTransport
{
    Q_OBJECT
public:
    QRustStdioTransport(const QString &program, const QStringList &arguments,
                        const QProcessEnvironment &extraEnvironment = {}, QObject *parent = nullptr);
    ~QRustStdioTransport() override;

    void open() override;
    /*! SIGTERM now; SIGKILL if the process is still running after killDelayMs(). */
    void close() override;
    bool write(const QByteArray &data) override;
    qint64 bytesToWrite() const override;

    /*! Delay between SIGTERM and SIGKILL in close(); default 5000 ms. */
    int killDelayMs() const;
    void setKillDelayMs(int ms);
    /*! Process id once started, else 0. */
    qint64 processId() const;
    /*! Ends the process before returning: SIGTERM, up to \a graceMs, then SIGKILL. */
    void terminateNow(int graceMs);

Q_SIGNALS:
    void standardErrorLine(const QString &line);
    void processFinished(int exitCode, QProcess::ExitStatus status);

private:
    std::unique_ptr<QRustStdioTransportPrivate> d;
};
