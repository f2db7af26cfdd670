#include <QRustBridge/qrustbridgeerror.h>

QRustBridgeError::QRustBridgeError() = default;

QRustBridgeError::QRustBridgeError(Code code, const QString &message, const QString &method,
                                   const QString &requestId)
    : m_code(code)
    , m_message(message)
    , m_method(method)
    , m_requestId(requestId)
{
}

QRustBridgeError::~QRustBridgeError() = default;
QRustBridgeError::QRustBridgeError(const QRustBridgeError &other) = default;
QRustBridgeError &QRustBridgeError::operator=(const QRustBridgeError &other) = default;
QRustBridgeError::QRustBridgeError(QRustBridgeError &&other) noexcept = default;
QRustBridgeError &QRustBridgeError::operator=(QRustBridgeError &&other) noexcept = default;

QRustBridgeError::Code QRustBridgeError::code() const
{
    return m_code;
}

QString QRustBridgeError::message() const
{
    return m_message;
}

QString QRustBridgeError::method() const
{
    return m_method;
}

QString QRustBridgeError::requestId() const
{
    return m_requestId;
}

bool QRustBridgeError::isError() const
{
    return m_code != Code::NoError;
}

QString QRustBridgeError::codeName(Code code)
{
    switch (code) {
    case Code::NoError: return QStringLiteral("NoError");
    case Code::NotRunning: return QStringLiteral("NotRunning");
    case Code::Timeout: return QStringLiteral("Timeout");
    case Code::StreamTimeout: return QStringLiteral("StreamTimeout");
    case Code::Remote: return QStringLiteral("Remote");
    case Code::PayloadTooLarge: return QStringLiteral("PayloadTooLarge");
    case Code::ProcessExited: return QStringLiteral("ProcessExited");
    case Code::Disconnected: return QStringLiteral("Disconnected");
    case Code::Cancelled: return QStringLiteral("Cancelled");
    case Code::ProtocolError: return QStringLiteral("ProtocolError");
    case Code::WriteFailed: return QStringLiteral("WriteFailed");
    case Code::BinaryNotFound: return QStringLiteral("BinaryNotFound");
    case Code::StartFailed: return QStringLiteral("StartFailed");
    case Code::ReadyTimeout: return QStringLiteral("ReadyTimeout");
    }
    return QString();
}

void QRustBridgeError::raise() const
{
    throw *this;
}

QRustBridgeError *QRustBridgeError::clone() const
{
    return new QRustBridgeError(*this);
}

const char *QRustBridgeError::what() const noexcept
{
    // Built lazily: exceptions are copied often, what() is read rarely.
    if (m_what.isEmpty())
        m_what = (codeName(m_code) + QStringLiteral(": ") + m_message).toUtf8();
    return m_what.constData();
}
