#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QByteArray>
#include <QtCore/QObject>

/*!
    \class QRustTransport
    \brief Moves bytes between the bridge and a backend; knows nothing of JSON.

    QRustBridge runs a custom transport (QRustBridge::connectTransport()) and
    its TLS one on a private I/O thread: the transport is moved to that
    thread before open(), and all its functions are called there. Its own
    stdio, local-socket and plain TCP transports run on the bridge's thread. Implementations
    emit opened() or openFailed() once after open(), dataReceived() for
    every chunk of bytes read, and closed() once when the connection ends
    for any reason after opened().
*/
class QRUSTBRIDGE_EXPORT QRustTransport : public QObject
{
    Q_OBJECT
public:
    /*! Transports given to QRustBridge::connectTransport() must have no parent. */
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
    /*!
        Inbound flow control. The bridge calls this with \c true when it holds
        more parsed input than QRustBridgeOptions::inboundHighWaterMark, and
        with \c false once its thread has taken that input. While paused, an
        implementation should stop reading from the backend (and keep any
        buffer of its own bounded), so the backend feels backpressure through
        the pipe or socket, but must still emit closed() when the connection
        ends. Data emitted while paused is not lost: the bridge still handles it.

        The default implementation does nothing: the transport keeps reading,
        and the bridge's memory is bounded only by what the backend sends.
    */
    virtual void setReadingPaused(bool paused);

Q_SIGNALS:
    /*! The connection is up; the bridge now waits for the ready event. */
    void opened();
    /*! open() did not succeed; \a error says why (usually StartFailed). */
    void openFailed(const QRustBridgeError &error);
    /*! Bytes read from the backend, in order; any chunking is fine. */
    void dataReceived(const QByteArray &data);
    /*! \a bytes left the write buffer; the bridge then writes more (flow control). */
    void bytesWritten(qint64 bytes);
    /*! The connection ended; \a reason says why (ProcessExited or Disconnected). */
    void closed(const QRustBridgeError &reason);
};
