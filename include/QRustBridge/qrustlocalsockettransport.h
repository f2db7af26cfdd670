#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QList>

#include <memory>

class QRustLocalSocketTransportPrivate;

/*!
    \class QRustLocalSocketTransport
    \brief Connects to a backend daemon on a local socket (Unix domain socket; named pipe on Windows).

    What QRustBridge::connectToServer() uses. A path longer than the
    platform's sun_path limit is refused with a clear error instead of being
    silently cut. On Unix the server must run as our own user, as root, or as
    a uid given to setTrustedServerUids(), checked (SO_PEERCRED on Linux,
    getpeereid() elsewhere) before anything it sends is trusted.
*/
class QRUSTBRIDGE_EXPORT QRustLocalSocketTransport : public QRustTransport
{
    Q_OBJECT
public:
    /*! Will connect to \a socketPath once open() is called. */
    explicit QRustLocalSocketTransport(const QString &socketPath, QObject *parent = nullptr);
    ~QRustLocalSocketTransport() override;

    /*! Server uids accepted besides our own and root; set before open(). */
    void setTrustedServerUids(const QList<uint> &uids);

    /*! See QRustTransport::open(). */
    void open() override;
    /*! Ends the connection; closed() follows. */
    void close() override;
    /*! See QRustTransport::write(). */
    bool write(const QByteArray &data) override;
    /*! See QRustTransport::bytesToWrite(). */
    qint64 bytesToWrite() const override;
    /*! Stops reading the socket; Qt then buffers at most 256 KiB. See QRustTransport::setReadingPaused(). */
    void setReadingPaused(bool paused) override;

    /*! Empty if \a path fits the platform's socket path limit, else the reason it does not. */
    static QString pathProblem(const QString &path);

private:
    std::unique_ptr<QRustLocalSocketTransportPrivate> d;
};
