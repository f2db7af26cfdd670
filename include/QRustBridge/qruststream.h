#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QFuture>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QObject>

#include <memory>

class QRustStreamPrivate;

/*!
    \class QRustStream
    \brief One streaming request: chunks as they arrive, then one final result.

    Returned by QRustBridge::sendCommandStreaming(), parented to the bridge;
    the caller may deleteLater() it at any time (that cancels it if it is
    still running). Exactly one of finished() or failed() is emitted.

    Two ways to consume chunks:
    - push: connect to chunkReceived(); chunks are then delivered only through
      the signal and never buffered;
    - pull: with no receiver on chunkReceived(), chunks are kept for
      takeChunks(), and chunksAvailable() says when the buffer turns
      non-empty. At most maxBufferedChunks() are kept
      (QRustBridgeOptions::streamBufferLimit, default 10000); when the buffer
      is full the oldest chunk is dropped, counted in droppedChunks() and
      logged once, so a stream nobody reads cannot grow memory without limit.

    With QCoro, `QRustCoro::chunks(stream)` (qrustcoro.h) iterates the chunks
    in a coroutine.
*/
class QRUSTBRIDGE_EXPORT QRustStream : public QObject
{
    Q_OBJECT
public:
    /*! Cancels the stream if it is still running. */
    ~QRustStream() override;

    /*! Resolves with the final result, or fails with a QRustBridgeError. */
    QFuture<QJsonValue> result() const;
    /*! True once finished() or failed() was emitted (or the stream was cancelled). */
    bool isFinished() const;
    /*! Pull style: returns and forgets the buffered chunks, oldest first. */
    QList<QJsonValue> takeChunks();
    /*! Number of chunks received so far. */
    qint64 chunkCount() const;
    /*! Chunks dropped because the pull buffer was full. */
    qint64 droppedChunks() const;
    /*! Most chunks kept for takeChunks() while nobody is connected to chunkReceived(). */
    int maxBufferedChunks() const;
    /*! Sets maxBufferedChunks(); 0 keeps none. Extra chunks already held are dropped, oldest first. */
    void setMaxBufferedChunks(int count);
    /*! The wire id of this request. */
    QString requestId() const;

    /*!
        Stops the stream: failed() is emitted with Code::Cancelled, result()
        is cancelled, and later chunks are dropped. Sends the bridge's
        cancelMethod to the backend when one is set.
    */
    void cancel();

Q_SIGNALS:
    /*!
        Pull style: chunks were added to an empty buffer; takeChunks() returns
        them and any that arrive before it is called. Emitted again for the
        first chunk after the buffer was emptied. Never emitted while a
        receiver is connected to chunkReceived().
    */
    void chunksAvailable();
    /*! One chunk, in the order the backend sent them. */
    void chunkReceived(const QJsonValue &data);
    /*! The stream ended with a final \a result. Emitted at most once; never together with failed(). */
    void finished(const QJsonValue &result);
    /*! The stream ended with \a error (remote error, timeout, exit, disconnect, cancel). Emitted at most once. */
    void failed(const QRustBridgeError &error);

private:
    friend class QRustBridgePrivate;
    friend class QRustStreamPrivate;
    friend class PendingTable;
    explicit QRustStream(QObject *parent);
    std::unique_ptr<QRustStreamPrivate> d;
};
