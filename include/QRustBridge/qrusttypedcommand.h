#pragma once

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustjson.h>
#include <QRustBridge/qruststream.h>

#include <QtCore/QFutureInterface>
#include <QtCore/QFutureWatcher>
#include <QtCore/QPointer>
#include <QtCore/QPromise>

#include <functional>
#include <memory>
#include <type_traits>

/*!
    \file qrusttypedcommand.h
    \brief Typed requests: QRustBridge::send<Command>() and qRustSendStreaming<Command>().

    A command is a type that names a backend method and the C++ types of its
    parameters and result:
    \code
    struct Echo {
        static constexpr auto method = "echo";   // UTF-8 method name
        using Params = EchoParams;               // anything QRustJsonConverter supports
        using Result = EchoResult;               // same; void ignores the result
    };
    QFuture<EchoResult> f = bridge.send<Echo>(EchoParams{...});
    \endcode
    A streaming command also names the type of its chunks with `using Chunk = ...;`.
    See docs/typed-commands.md.
*/

namespace QRustTyped {

namespace detail {
template <typename C>
using method_t = decltype(C::method);
template <typename C>
using params_t = typename C::Params;
template <typename C>
using result_t = typename C::Result;
template <typename C>
using chunk_t = typename C::Chunk;

template <typename Void, template <typename> class Op, typename C>
struct detect : std::false_type {};
template <template <typename> class Op, typename C>
struct detect<std::void_t<Op<C>>, Op, C> : std::true_type {};

// Stands in for a missing Params/Result/Chunk so only the static_assert fires.
struct InvalidMember {};

template <typename Void, template <typename> class Op, typename C>
struct detected_or_invalid { using type = InvalidMember; };
template <template <typename> class Op, typename C>
struct detected_or_invalid<std::void_t<Op<C>>, Op, C> { using type = Op<C>; };

template <typename T>
inline constexpr bool convertible_result_v = std::disjunction_v<std::is_void<T>, has_json_converter<T>>;
} // namespace detail

/*! True when \c Command has a static \c method member. */
template <typename Command>
inline constexpr bool has_method_v = detail::detect<void, detail::method_t, Command>::value;
/*! True when \c Command has a nested \c Params type. */
template <typename Command>
inline constexpr bool has_params_v = detail::detect<void, detail::params_t, Command>::value;
/*! True when \c Command has a nested \c Result type. */
template <typename Command>
inline constexpr bool has_result_v = detail::detect<void, detail::result_t, Command>::value;
/*! True when \c Command has a nested \c Chunk type (streaming commands). */
template <typename Command>
inline constexpr bool has_chunk_v = detail::detect<void, detail::chunk_t, Command>::value;

/*!
    Checks \c Command at compile time with readable messages and exposes
    its parts. Params and Result are \c detail::InvalidMember when missing, so
    the static_assert is the first error the compiler reports.
*/
template <typename Command>
struct CommandTraits
{
    static_assert(has_method_v<Command>,
                  "QRustBridge typed command: the command has no 'method'. "
                  "Add: static constexpr auto method = \"methodName\";");
    static_assert(has_params_v<Command>,
                  "QRustBridge typed command: the command has no 'Params' type. "
                  "Add: using Params = YourParams; (QJsonValue for untyped params)");
    static_assert(has_result_v<Command>,
                  "QRustBridge typed command: the command has no 'Result' type. "
                  "Add: using Result = YourResult; (void to ignore the result)");

    /*! The parameter type, \c Command::Params. */
    using Params = typename detail::detected_or_invalid<void, detail::params_t, Command>::type;
    /*! The result type, \c Command::Result (may be void). */
    using Result = typename detail::detected_or_invalid<void, detail::result_t, Command>::type;

    static_assert(!has_params_v<Command> || has_json_converter_v<Params>,
                  "QRustBridge typed command: Command::Params has no JSON conversion. Make it a "
                  "Q_GADGET or a supported type, or specialize QRustJsonConverter<Params>.");
    static_assert(!has_result_v<Command> || detail::convertible_result_v<Result>,
                  "QRustBridge typed command: Command::Result has no JSON conversion. Make it a "
                  "Q_GADGET or a supported type (or void), or specialize QRustJsonConverter<Result>.");

    /*! \c Command::method as a QString (a `const char *` is read as UTF-8). */
    static QString method()
    {
        if constexpr (!has_method_v<Command>) {
            return QString();
        } else if constexpr (std::is_convertible_v<detail::method_t<Command>, const char *>) {
            return QString::fromUtf8(Command::method);
        } else {
            static_assert(std::is_constructible_v<QString, detail::method_t<Command>>,
                          "QRustBridge typed command: 'method' must be a string, e.g. "
                          "static constexpr auto method = \"methodName\";");
            return QString(Command::method);
        }
    }
};

/*!
    CommandTraits plus the chunk type of a streaming command
    (`using Chunk = ...;`), checked the same way.
*/
template <typename Command>
struct StreamingCommandTraits : CommandTraits<Command>
{
    static_assert(has_chunk_v<Command>,
                  "QRustBridge streaming command: the command has no 'Chunk' type. "
                  "Add: using Chunk = YourChunk; (QJsonValue for untyped chunks)");

    /*! The chunk type, \c Command::Chunk. */
    using Chunk = typename detail::detected_or_invalid<void, detail::chunk_t, Command>::type;

    static_assert(!has_chunk_v<Command> || has_json_converter_v<Chunk>,
                  "QRustBridge streaming command: Command::Chunk has no JSON conversion. Make it a "
                  "Q_GADGET or a supported type, or specialize QRustJsonConverter<Chunk>.");
};

namespace detail {

// Futures that are finished when returned, with a value or an error.
template <typename T>
QFuture<T> failedFuture(const QRustBridgeError &error)
{
    QPromise<T> promise;
    promise.start();
    promise.setException(error);
    promise.finish();
    return promise.future();
}

template <typename T>
QFuture<T> finishedFuture(const T &value)
{
    QPromise<T> promise;
    promise.start();
    promise.addResult(value);
    promise.finish();
    return promise.future();
}

// Converts a typed value to the wire; a gadget property without conversion
// becomes a ProtocolError carrying the method instead of an exception.
template <typename T>
bool paramsToJson(const T &params, const QString &method, QJsonValue &json, QRustBridgeError &error)
{
    try {
        json = QRustJsonConverter<T>::toJson(params);
        return true;
    } catch (const QRustBridgeError &e) {
        error = QRustBridgeError(e.code(), e.message(), method);
        return false;
    }
}

// Converts a received value; the thrown error names the method.
template <typename T>
T valueFromJson(const QJsonValue &json, const QString &path, const QString &method, const QString &requestId)
{
    try {
        return QRustJsonConverter<T>::fromJson(json, path);
    } catch (const QRustBridgeError &e) {
        throw QRustBridgeError(e.code(), e.message(), method, requestId);
    }
}

} // namespace detail
} // namespace QRustTyped

/*!
    Sends \c Command::method with \a params converted to JSON and returns a
    future of the converted result.

    The future finishes exactly once, like sendCommand()'s: with the result,
    or failed with a QRustBridgeError. A result that does not convert to
    \c Command::Result fails it with Code::ProtocolError and a message naming
    the field, e.g. `result.items[2].name: expected a string, got number`.
    Parameters that cannot be converted (a Q_GADGET property of an
    unsupported type) fail it the same way without sending anything.
    QFuture::cancel() on the returned future cancels the request.

    A command without \c method, or whose Params/Result have no
    QRustJsonConverter, fails to compile with a static_assert saying so.
    (A command without a \c Params or \c Result type does not match this
    template at all: the compiler reports "no type named 'Params'".)
*/
template <typename Command>
QFuture<typename Command::Result> QRustBridge::send(const typename Command::Params &params)
{
    using Traits = QRustTyped::CommandTraits<Command>;
    using Result = typename Traits::Result;
    const QString method = Traits::method();

    QJsonValue json;
    QRustBridgeError error;
    if (!QRustTyped::detail::paramsToJson(params, method, json, error))
        return QRustTyped::detail::failedFuture<Result>(error);

    QFuture<QJsonValue> raw = sendCommand(method, json);
    // Our own future, not the one raw.then() returns: in Qt 6.4 that one's
    // QPromise frees the state of the caller's continuations once they ran,
    // and a later cancel() on the typed future would write to it.
    QFutureInterface<Result> typed;
    typed.reportStarted();
    auto cancelTyped = [typed]() mutable {
        if (!typed.isFinished()) {
            typed.cancel();
            typed.reportFinished();
        }
    };
    // No context object: these run where the raw future finishes (this
    // bridge's thread), so they cannot be skipped and leave the future pending.
    raw.then([typed, method, cancelTyped](QFuture<QJsonValue> done) mutable {
           try {
               done.waitForFinished();  // throws the request's error
               // Qt 6.4 flags a failed future as canceled too: only now is it a cancel.
               if (done.isCanceled() && done.resultCount() == 0) {
                   cancelTyped();
                   return;
               }
               const QJsonValue value = done.result();
               if constexpr (!std::is_void_v<Result>) {
                   typed.reportResult(QRustTyped::detail::valueFromJson<Result>(value, QStringLiteral("result"),
                                                                               method, QString()));
               } else {
                   Q_UNUSED(value);
               }
           } catch (const QRustBridgeError &error) {
               typed.reportException(error);
           } catch (...) {
               typed.reportException(std::current_exception());
           }
           typed.reportFinished();
       })
        .onCanceled(cancelTyped);
    // Cancelling the typed future cancels the request: forward it.
    forwardCancel(QFuture<void>(typed.future()), raw);
    return typed.future();
}

/*!
    Sends the streaming command \c Command::method with \a params. Each chunk
    is converted to \c Command::Chunk and passed to \a onChunk, in order; the
    returned future then finishes with the converted \c Command::Result.

    \a onChunk runs in the bridge's thread. When \a context is not null it
    bounds the request's lifetime: \a onChunk is not called once \a context
    is destroyed, and destroying it cancels the request. \a context must
    live in the bridge's thread.

    The future finishes exactly once. It fails with the stream's
    QRustBridgeError; with Code::ProtocolError when a chunk or the result does
    not convert (a chunk error is reported as `chunk[N].field: ...` and
    cancels the stream); and it is cancelled when the stream is cancelled.
    QFuture::cancel() on it cancels the stream.

    Missing \c method, \c Params, \c Result or \c Chunk, or a type without a
    QRustJsonConverter, fail to compile with a static_assert saying so.
*/
template <typename Command>
QFuture<typename QRustTyped::StreamingCommandTraits<Command>::Result>
qRustSendStreaming(QRustBridge &bridge,
                   const typename QRustTyped::StreamingCommandTraits<Command>::Params &params,
                   QObject *context,
                   std::function<void(const typename QRustTyped::StreamingCommandTraits<Command>::Chunk &)> onChunk)
{
    using Traits = QRustTyped::StreamingCommandTraits<Command>;
    using Result = typename Traits::Result;
    using Chunk = typename Traits::Chunk;
    const QString method = Traits::method();

    QJsonValue json;
    QRustBridgeError error;
    if (!QRustTyped::detail::paramsToJson(params, method, json, error))
        return QRustTyped::detail::failedFuture<Result>(error);

    // Shared by the connections below; `done` makes every way out finish once.
    struct State
    {
        // Not a QPromise: in Qt 6.4 ~QPromise frees the state of a continuation
        // that already ran while the caller's future still points at it, and a
        // later QFuture::cancel() then writes to freed memory.
        QFutureInterface<Result> promise;
        QPointer<QRustStream> stream;
        qint64 chunkIndex = 0;
        bool done = false;

        ~State()
        {
            if (!done) {
                promise.cancel();
                promise.reportFinished();
            }
        }
        void finish()
        {
            done = true;
            promise.reportFinished();
            if (stream) {
                stream->cancel(); // no-op once the stream itself finished
                stream->deleteLater();
            }
        }
        void fail(const QRustBridgeError &error)
        {
            if (done)
                return;
            if (error.code() == QRustBridgeError::Code::Cancelled)
                promise.cancel();
            else
                promise.reportException(error);
            finish();
        }
        void cancel()
        {
            if (done)
                return;
            promise.cancel();
            finish();
        }
    };
    auto state = std::make_shared<State>();
    state->promise.reportStarted();
    QFuture<Result> future = state->promise.future();

    QRustStream *stream = bridge.sendCommandStreaming(method, json);
    state->stream = stream;
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;

    QObject::connect(stream, &QRustStream::chunkReceived, stream,
                     [state, guard, hasContext, onChunk = std::move(onChunk), method](const QJsonValue &data) {
        if (state->done || (hasContext && !guard))
            return;
        const QString path = QRustTyped::jsonIndexPath(QStringLiteral("chunk"), state->chunkIndex++);
        std::optional<Chunk> chunk;
        try {
            chunk = QRustTyped::detail::valueFromJson<Chunk>(data, path, method, state->stream->requestId());
        } catch (const QRustBridgeError &e) {
            state->fail(e);
            return;
        }
        if (onChunk)
            onChunk(*chunk);
    });
    QObject::connect(stream, &QRustStream::finished, stream, [state, method](const QJsonValue &value) {
        if (state->done)
            return;
        if constexpr (std::is_void_v<Result>) {
            Q_UNUSED(value);
        } else {
            try {
                state->promise.reportResult(QRustTyped::detail::valueFromJson<Result>(
                    value, QStringLiteral("result"), method, state->stream->requestId()));
            } catch (const QRustBridgeError &e) {
                state->fail(e);
                return;
            }
        }
        state->finish();
    });
    QObject::connect(stream, &QRustStream::failed, stream,
                     [state](const QRustBridgeError &e) { state->fail(e); });
    // Safety net: whatever destroys the stream, the future does not stay pending.
    QObject::connect(stream, &QObject::destroyed, stream, [state] { state->cancel(); });
    if (context)
        QObject::connect(context, &QObject::destroyed, stream, [state] { state->cancel(); });

    auto *watcher = new QFutureWatcher<Result>(stream);
    QObject::connect(watcher, &QFutureWatcherBase::canceled, stream, [state] { state->cancel(); });
    watcher->setFuture(future);
    return future;
}
