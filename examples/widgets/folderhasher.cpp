#include "folderhasher.h"

#include <QtCore/QJsonObject>

FolderHasher::FolderHasher(QRustBridge *bridge, QObject *parent)
    : QObject(parent)
    , m_bridge(bridge)
{
}

FolderHasher::~FolderHasher()
{
    if (m_stream) {
        m_stream->disconnect(this);
        delete m_stream; // deleting an unfinished stream cancels it
    }
}

void FolderHasher::start(const QString &path)
{
    cancel();
    m_path = path;
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("hash_files"),
                                                         QJsonObject{{QStringLiteral("path"), path}});
    m_stream = stream;
    connect(stream, &QRustStream::chunkReceived, this, &FolderHasher::onChunk);
    connect(stream, &QRustStream::finished, this, [this, stream](const QJsonValue &result) {
        if (stream != m_stream)
            return;
        release();
        const QJsonObject summary = result.toObject();
        Q_EMIT finished(summary.value(QStringLiteral("files")).toInt(),
                        qint64(summary.value(QStringLiteral("bytes")).toDouble()));
    });
    connect(stream, &QRustStream::failed, this, [this, stream](const QRustBridgeError &error) {
        if (stream != m_stream)
            return;
        release();
        Q_EMIT failed(error);
    });
    Q_EMIT started(path);
    Q_EMIT runningChanged(true);
}

void FolderHasher::cancel()
{
    if (m_stream)
        m_stream->cancel(); // emits failed(Cancelled) synchronously
}

bool FolderHasher::isRunning() const
{
    return m_stream != nullptr;
}

QString FolderHasher::path() const
{
    return m_path;
}

void FolderHasher::onChunk(const QJsonValue &chunk)
{
    const QJsonObject entry = chunk.toObject();
    Q_EMIT fileHashed(entry.value(QStringLiteral("file")).toString(),
                      qint64(entry.value(QStringLiteral("bytes")).toDouble()),
                      entry.value(QStringLiteral("hash")).toString());
    Q_EMIT progress(entry.value(QStringLiteral("done")).toInt(), entry.value(QStringLiteral("total")).toInt());
}

void FolderHasher::release()
{
    if (!m_stream)
        return;
    m_stream->deleteLater();
    m_stream = nullptr;
    Q_EMIT runningChanged(false);
}
