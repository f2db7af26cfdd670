#pragma once

#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QJsonValue>
#include <QtCore/QProcess>
#include <QtCore/QString>

#include <memory>
#include <type_traits>

// A request waiting on the I/O thread to be serialized and written.
struct OutboundRequest
{
    quint64 id = 0;
    QString method;
    QJsonValue params;
};

// Everything the I/O thread reports to the bridge travels as one of these,
// through one ordered queue, so a response written just before the backend
// exited is always seen before the exit.
struct InboundMessage
{
    enum class Kind {
        Response,       // id, success, value (result, or error message); error() holds errorCode/errorData if sent
        Chunk,          // id, value
        Event,          // text = name, value = data
        StderrLine,     // text
        Opened,         // pidOrExitCode = process id (0 for sockets)
        OpenFailed,     // error
        ProcessFinished,// pidOrExitCode = exit code, exitStatus
        Closed,         // error = why
        RequestFailed,  // id, error (payload too large, write refused, malformed response)
    };

    Kind kind = Kind::Event;
    quint64 generation = 0;   // which transport produced it; stale ones are dropped
    quint64 id = 0;
    bool success = false;
    QJsonValue value;
    QString text;
    qint64 pidOrExitCode = 0;  // Opened: the process id; ProcessFinished: the exit code
    QProcess::ExitStatus exitStatus = QProcess::NormalExit;

    // OpenFailed, Closed and RequestFailed carry an error; the responses and
    // chunks that make up nearly every batch do not, so it is held apart:
    // a QRustBridgeError is about half a message's size and most of its move cost.
    const QRustBridgeError &error() const
    {
        static const QRustBridgeError none;
        return errorDetail ? *errorDetail : none;
    }
    void setError(QRustBridgeError error)
    {
        errorDetail = std::make_unique<QRustBridgeError>(std::move(error));
    }

    std::unique_ptr<QRustBridgeError> errorDetail;
};

// Batches of these live in std::vectors; a throwing move would make every
// reallocation copy each message (strings, JSON, error) instead of moving it.
static_assert(std::is_nothrow_move_constructible_v<InboundMessage>);
static_assert(std::is_nothrow_move_assignable_v<InboundMessage>);
static_assert(std::is_nothrow_move_constructible_v<OutboundRequest>);
