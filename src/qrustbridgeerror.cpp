#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QMetaEnum>

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

QString QRustBridgeError::remoteCode() const
{
    return m_remoteCode;
}

QJsonValue QRustBridgeError::remoteData() const
{
    return m_remoteData;
}

void QRustBridgeError::setRemoteDetails(const QString &remoteCode, const QJsonValue &remoteData)
{
    m_remoteCode = remoteCode;
    m_remoteData = remoteData;
}

bool QRustBridgeError::isError() const
{
    return m_code != Code::NoError;
}

QString QRustBridgeError::codeName(Code code)
{
    // The enumerator's own name, from Q_ENUM: one list, in the header.
    return QString::fromLatin1(QMetaEnum::fromType<Code>().valueToKey(int(code)));
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
