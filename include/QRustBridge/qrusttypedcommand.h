#pragma once

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustjson.h>

template <typename Command>
QFuture<typename Command::Result> QRustBridge::send(const typename Command::Params &params)
{
    using Result = typename Command::Result;
    return sendCommand(QString::fromUtf8(Command::method),
                       QRustJsonConverter<typename Command::Params>::toJson(params))
        .then([](const QJsonValue &json) {
            return QRustJsonConverter<Result>::fromJson(json, QStringLiteral("result"));
        });
}
