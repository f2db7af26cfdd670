#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrusttcpoptions.h>
#include <QRustBridge/qrusttransport.h>

#include <memory>

class QRustTcpTransportPrivate;

/*!
    \class QRustTcpTransport
    \brief Connects to a backend over TCP, or over TLS when QRustTcpOptions::useTls is set.

    What QRustBridge::connectToHost() uses. A failed TLS handshake or
    certificate verification fails open() with StartFailed, naming the TLS problem.
*/
class QRUSTBRIDGE_EXPORT QRustTcpTransport : public QRustTransport
{
    Q_OBJECT
public:
    /*! Will connect to \a host : \a port with \a options once open() is called. */
    QRustTcpTransport(const QString &host, quint16 port, const QRustTcpOptions &options = {},
                      QObject *parent = nullptr);
    ~QRustTcpTransport() override;

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

private:
    std::unique_ptr<QRustTcpTransportPrivate> d;
};
