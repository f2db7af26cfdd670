#pragma once

// Coroutine helpers for QCoro users (C++20, QCoro6::Core). Not part of the
// convenience header: include it where you use it.

#include <QRustBridge/qruststream.h>
#include <QRustBridge/qrusttypedcommand.h>

#include <QtCore/QPointer>

#include <qcoro/qcoroasyncgenerator.h>

#include <array>
#include <coroutine>
#include <optional>

namespace QRustCoro {
namespace detail {

// Suspends until the stream buffers a chunk, ends, or is destroyed.
class NextStreamActivity
{
public:
    explicit NextStreamActivity(QRustStream *stream)
        : m_stream(stream)
    {
    }
    NextStreamActivity(const NextStreamActivity &) = delete;
    NextStreamActivity &operator=(const NextStreamActivity &) = delete;
    ~NextStreamActivity() { disconnectAll(); }

    bool await_ready() const noexcept { return m_stream.isNull() || m_stream->isFinished(); }

    void await_suspend(std::coroutine_handle<> waiting)
    {
        QRustStream *stream = m_stream.data();
        const auto resume = [this, waiting] {
            disconnectAll();
            waiting.resume();
        };
        m_connections = {
            QObject::connect(stream, &QRustStream::chunksAvailable, stream, resume),
            QObject::connect(stream, &QRustStream::finished, stream, resume),
            QObject::connect(stream, &QRustStream::failed, stream, resume),
            QObject::connect(stream, &QObject::destroyed, stream, resume),
        };
    }

    void await_resume() const noexcept {}

private:
    void disconnectAll()
    {
        for (QMetaObject::Connection &connection : m_connections)
            QObject::disconnect(connection);
    }

    QPointer<QRustStream> m_stream;
    std::array<QMetaObject::Connection, 4> m_connections;
};

// Remembers how a stream failed, for as long as the generator runs.
class StreamFailure
{
public:
    explicit StreamFailure(QRustStream *stream)
        : m_connection(QObject::connect(stream, &QRustStream::failed, stream,
                                        [this](const QRustBridgeError &error) { m_error = error; }))
    {
    }
    StreamFailure(const StreamFailure &) = delete;
    StreamFailure &operator=(const StreamFailure &) = delete;
    ~StreamFailure() { QObject::disconnect(m_connection); }

    void rethrow() const
    {
        if (m_error)
            throw *m_error;
    }

private:
    QMetaObject::Connection m_connection;
    std::optional<QRustBridgeError> m_error;
};

inline QRustBridgeError streamDestroyedError()
{
    return QRustBridgeError(QRustBridgeError::Code::Cancelled,
                            QRustStream::tr("the stream was destroyed while it was being iterated"));
}

} // namespace detail

/*!
    Iterates the chunks of \a stream in a coroutine, in order:

    \code
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), params);
    QCORO_FOREACH(const QJsonValue &chunk, QRustCoro::chunks(stream)) {
        show(chunk);
        co_await saveSomewhere(chunk);   // the stream buffers meanwhile
    }
    const QJsonValue result = co_await stream->result();
    \endcode

    The loop ends when the stream finishes; if it fails (remote error,
    timeout, exit, cancel), the error is thrown as QRustBridgeError from the
    loop. The generator pulls chunks with takeChunks(), so nothing may be
    connected to chunkReceived(); chunks wait in the stream's buffer while the
    loop body runs, up to QRustBridgeOptions::streamBufferLimit (beyond it the
    oldest are dropped and counted in droppedChunks()).
*/
inline QCoro::AsyncGenerator<QJsonValue> chunks(QRustStream *stream)
{
    QPointer<QRustStream> alive(stream);
    detail::StreamFailure failure(stream);
    for (;;) {
        const QList<QJsonValue> batch = stream->takeChunks();
        for (const QJsonValue &chunk : batch) {
            QJsonValue value = chunk;
            co_yield value;
            if (!alive)
                throw detail::streamDestroyedError();
        }
        if (!batch.isEmpty())
            continue;  // more may have come while the consumer ran
        if (stream->isFinished()) {
            failure.rethrow();
            co_return;
        }
        co_await detail::NextStreamActivity(stream);
        if (!alive)
            throw detail::streamDestroyedError();
    }
}

/*!
    chunks() typed with the streaming command's chunk type: each chunk is
    converted to \c Command::Chunk; one that does not convert throws a
    QRustBridgeError (ProtocolError) naming its index and field.
*/
template <typename Command>
QCoro::AsyncGenerator<typename QRustTyped::StreamingCommandTraits<Command>::Chunk> chunks(QRustStream *stream)
{
    using Traits = QRustTyped::StreamingCommandTraits<Command>;
    using Chunk = typename Traits::Chunk;
    const QString method = Traits::method();
    const QString requestId = stream->requestId();
    qsizetype index = 0;
    // Spelled out: inside a template, GCC 12 rejects `co_await ++it`
    // ("insufficient contextual information"), which QCORO_FOREACH uses.
    QCoro::AsyncGenerator<QJsonValue> json = chunks(stream);
    auto it = co_await json.begin();
    while (it != json.end()) {
        const QString path = QRustTyped::jsonIndexPath(QString::fromLatin1("chunk"), index++);
        Chunk chunk = QRustTyped::detail::valueFromJson<Chunk>(*it, path, method, requestId);
        co_yield chunk;
        auto next = ++it;
        co_await next;
    }
}

} // namespace QRustCoro
