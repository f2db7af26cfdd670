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
    QRustTcpTransport(const QString &host, quint16 port, const QRustTcpOptions &options = {},
                      QObject *parent = nullptr);
    ~QRustTcpTransport() override;

    void open() override;
    void close() override;
    bool write(const QByteArray &data) override;
    qint64 bytesToWrite() const override;

private:
    std::unique_ptr<QRustTcpTransportPrivate> d;
};
