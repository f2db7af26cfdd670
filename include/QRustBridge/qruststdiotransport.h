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
    /*! Will run \a program with \a arguments once open() is called. */
    QRustStdioTransport(const QString &program, const QStringList &arguments,
                        const QProcessEnvironment &extraEnvironment = {}, QObject *parent = nullptr);
    ~QRustStdioTransport() override;

    /*! See QRustTransport::open(). */
    void open() override;
    /*! SIGTERM now; SIGKILL if the process is still running after killDelayMs(). */
    void close() override;
    /*! See QRustTransport::write(). */
    bool write(const QByteArray &data) override;
    /*! See QRustTransport::bytesToWrite(). */
    qint64 bytesToWrite() const override;
    /*! Stops reading the backend's stdout (Unix; on Windows it does nothing). See QRustTransport::setReadingPaused(). */
    void setReadingPaused(bool paused) override;

    /*! Delay between SIGTERM and SIGKILL in close(); default 5000 ms. */
    int killDelayMs() const;
    /*! Sets killDelayMs(). */
    void setKillDelayMs(int ms);
    /*! Process id once started, else 0. */
    qint64 processId() const;
    /*! Ends the process before returning: SIGTERM, up to \a graceMs, then SIGKILL. */
    void terminateNow(int graceMs);

Q_SIGNALS:
    /*! One line of the backend's stderr, without the newline. */
    void standardErrorLine(const QString &line);
    /*! The process ended; emitted just before closed(). */
    void processFinished(int exitCode, QProcess::ExitStatus status);

private:
    std::unique_ptr<QRustStdioTransportPrivate> d;
};
