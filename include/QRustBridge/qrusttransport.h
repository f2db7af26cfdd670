#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QByteArray>
#include <QtCore/QObject>

/*!
    \class QRustTransport
    \brief Moves bytes between the bridge and a backend; knows nothing of JSON.

    QRustBridge runs its transport on a private I/O thread: the transport is
    created there and all its functions are called there. Implementations
    emit opened() or openFailed() once after open(), dataReceived() for
    every chunk of bytes read, and closed() once when the connection ends
    for any reason after opened().
*/
class QRUSTBRIDGE_EXPORT QRustTransport : public QObject
{
    Q_OBJECT
public:
    explicit QRustTransport(QObject *parent = nullptr);
    ~QRustTransport() override;

    /*! Starts connecting; emits opened() or openFailed(). */
    virtual void open() = 0;
    /*! Ends the connection gracefully; closed() follows. */
    virtual void close() = 0;
    /*! Queues \a data for writing; returns false if the transport refused it. */
    virtual bool write(const QByteArray &data) = 0;
    /*! Bytes queued but not yet written. */
    virtual qint64 bytesToWrite() const = 0;

Q_SIGNALS:
    void opened();
    void openFailed(const QRustBridgeError &error);
    void dataReceived(const QByteArray &data);
    void bytesWritten(qint64 bytes);
    /*! The connection ended; \a reason says why (ProcessExited or Disconnected). */
    void closed(const QRustBridgeError &reason);
};
