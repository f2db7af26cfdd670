#include <QRustBridge/qruststream.h>

#include "logging_p.h"
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
    if (maxBuffered <= 0)
        return;
    if (int(buffer.size()) >= maxBuffered) {
        if (dropped == 0)
            qCWarning(lcQRustBridge) << "stream" << id << "has" << maxBuffered
                                     << "unread chunks; dropping the oldest (nobody calls takeChunks())";
        buffer.pop_front();
        ++dropped;
    }
    buffer.push_back(data);
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

void QRustStreamPrivate::complete(const QJsonValue &result)
{
    if (finished)
        return;
    finished = true;
    bridge = nullptr;
    inactivityTimer.stop();
    Q_EMIT q->finished(result);
}

void QRustStreamPrivate::fail(const QRustBridgeError &error)
{
    if (finished)
        return;
    finished = true;
    bridge = nullptr;
    inactivityTimer.stop();
    Q_EMIT q->failed(error);
}

QRustStream::QRustStream(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<QRustStreamPrivate>(this))
{
}

QRustStream::~QRustStream()
{
    if (d->bridge)
        d->bridge->cancelStream(d->id);
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

qint64 QRustStream::droppedChunkCount() const
{
    return d->dropped;
}

int QRustStream::maxBufferedChunks() const
{
    return d->maxBuffered;
}

void QRustStream::setMaxBufferedChunks(int count)
{
    d->maxBuffered = count;
    while (int(d->buffer.size()) > qMax(0, count)) {
        d->buffer.pop_front();
        ++d->dropped;
    }
}

QString QRustStream::requestId() const
{
    return QString::number(d->id);
}

void QRustStream::cancel()
{
    if (d->bridge)
        d->bridge->cancelStream(d->id);
}
