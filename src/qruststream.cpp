#include <QRustBridge/qruststream.h>

#include "qrustbridge_p.h"
#include "qruststream_p.h"

#include <QtCore/QMetaMethod>

QRustStreamPrivate::QRustStreamPrivate(QRustStream *q)
    : q(q)
{
    inactivityTimer.setSingleShot(true);
    inactivityTimer.setTimerType(Qt::PreciseTimer);  // never time out early
}

void QRustStreamPrivate::deliverChunk(const QJsonValue &data)
{
    if (finished)
        return;
    ++chunks;
    if (inactivityTimeoutMs > 0)
        lastActivity.restart();  // the timeout measures silence
    static const QMetaMethod chunkSignal = QMetaMethod::fromSignal(&QRustStream::chunkReceived);
    if (q->isSignalConnected(chunkSignal)) {
        Q_EMIT q->chunkReceived(data);
        return;
    }
    if (maxBuffered <= 0) {
        countDropped(1);
        return;
    }
    if (int(buffer.size()) >= maxBuffered) {
        buffer.pop_front();
        countDropped(1);
    }
    const bool wasEmpty = buffer.empty();
    buffer.push_back(data);
    if (wasEmpty)
        Q_EMIT q->chunksAvailable();
}

void QRustStreamPrivate::countDropped(qint64 count)
{
    if (dropped == 0 && bridge) {
        bridge->log.warning(
            QStringLiteral("stream %1 has %2 unread chunks (streamBufferLimit); dropping the oldest")
                .arg(id)
                .arg(maxBuffered),
            {{QStringLiteral("id"), QString::number(id)}, {QStringLiteral("limit"), maxBuffered}});
    }
    dropped += count;
}

void QRustStreamPrivate::armInactivityTimer(int timeoutMs)
{
    inactivityTimeoutMs = timeoutMs;
    lastActivity.start();
    inactivityTimer.start(timeoutMs);
}

bool QRustStreamPrivate::inactivityExpired()
{
    const qint64 silentMs = lastActivity.elapsed();
    if (silentMs >= inactivityTimeoutMs)
        return true;
    inactivityTimer.start(int(inactivityTimeoutMs - silentMs));
    return false;
}

void QRustStreamPrivate::finish(const QRustBridgeError *error, const QJsonValue &result)
{
    if (finished)
        return;
    finished = true;
    bridge = nullptr;
    inactivityTimer.stop();
    if (error)
        Q_EMIT q->failed(*error);
    else
        Q_EMIT q->finished(result);
}

QRustStream::QRustStream(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<QRustStreamPrivate>(this))
{
}

QRustStream::~QRustStream()
{
    if (d->bridge)
        d->bridge->cancelRequest(d->id);
}

QFuture<QJsonValue> QRustStream::result() const
{
    return d->future;
}

bool QRustStream::isFinished() const
{
    return d->finished;
}

QList<QJsonValue> QRustStream::takeChunks()
{
    QList<QJsonValue> chunks(d->buffer.begin(), d->buffer.end());
    d->buffer.clear();
    return chunks;
}

qint64 QRustStream::chunkCount() const
{
    return d->chunks;
}

qint64 QRustStream::droppedChunks() const
{
    return d->dropped;
}

int QRustStream::maxBufferedChunks() const
{
    return d->maxBuffered;
}

void QRustStream::setMaxBufferedChunks(int count)
{
    d->maxBuffered = qMax(0, count);
    const qint64 excess = qint64(d->buffer.size()) - d->maxBuffered;
    if (excess <= 0)
        return;
    d->buffer.erase(d->buffer.begin(), d->buffer.begin() + excess);
    d->countDropped(excess);
}

QString QRustStream::requestId() const
{
    return QString::number(d->id);
}

void QRustStream::cancel()
{
    if (d->bridge)
        d->bridge->cancelRequest(d->id);
}
