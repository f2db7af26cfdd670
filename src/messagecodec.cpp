#include "messagecodec_p.h"

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace {

// QJsonDocument only serializes objects and arrays: wrap scalars in an
// array and cut the brackets off.
void appendJsonValue(QByteArray &out, const QJsonValue &value)
{
    if (value.isObject()) {
        out += QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    } else if (value.isArray()) {
        out += QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    } else if (value.isUndefined() || value.isNull()) {
        out += "null";
    } else {
        const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        out.append(wrapped.constData() + 1, wrapped.size() - 2);
    }
}

bool parseId(const QJsonValue &value, quint64 &id)
{
    if (!value.isString())
        return false;
    bool ok = false;
    id = value.toString().toULongLong(&ok);
    return ok;
}

} // namespace

QString MessageCodec::requestIdString(quint64 id)
{
    return QString::number(id);
}

void MessageCodec::appendRequest(QByteArray &out, const OutboundRequest &request)
{
    out += "{\"id\":\"";
    out += QByteArray::number(request.id);
    out += "\",\"method\":";
    appendJsonValue(out, QJsonValue(request.method));
    out += ",\"params\":";
    appendJsonValue(out, request.params);
    out += "}\n";
}

bool MessageCodec::decode(const QByteArray &line, InboundMessage &out, QString &problem)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problem = QStringLiteral("not JSON (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        problem = QStringLiteral("JSON but not an object");
        return false;
    }
    const QJsonObject object = document.object();

    const auto eventIt = object.constFind(QLatin1String("event"));
    if (eventIt != object.constEnd()) {
        if (!eventIt->isString() || eventIt->toString().isEmpty()) {
            problem = QStringLiteral("event without a name");
            return false;
        }
        out.kind = InboundMessage::Kind::Event;
        out.text = eventIt->toString();
        out.value = object.value(QLatin1String("data"));
        return true;
    }

    const QJsonValue idValue = object.value(QLatin1String("id"));
    if (!parseId(idValue, out.id)) {
        problem = idValue.isUndefined() ? QStringLiteral("neither event nor id")
                                        : QStringLiteral("id that this bridge never sent");
        return false;
    }
    if (object.value(QLatin1String("stream")).toBool(false)) {
        out.kind = InboundMessage::Kind::Chunk;
        out.value = object.value(QLatin1String("data"));
        return true;
    }
    const QJsonValue success = object.value(QLatin1String("success"));
    if (!success.isBool()) {
        out.kind = InboundMessage::Kind::RequestFailed;
        out.error = QRustBridgeError(QRustBridgeError::Code::ProtocolError,
                                     QRustBridge::tr("the backend's response has no boolean \"success\" field"));
        return true;
    }
    out.kind = InboundMessage::Kind::Response;
    out.success = success.toBool();
    if (out.success) {
        out.value = object.value(QLatin1String("result"));
    } else {
        const QJsonValue error = object.value(QLatin1String("error"));
        if (error.isString()) {
            out.value = error;
        } else {
            QByteArray text;
            appendJsonValue(text, error);
            out.value = QString::fromUtf8(text);
        }
    }
    return true;
}
