#pragma once

#include <QtCore/QJsonValue>

// Typed JSON conversion for QRustBridge::send<Command>(); see docs/typed-commands.md.
template <typename T, typename Enable = void>
struct QRustJsonConverter;

template <>
struct QRustJsonConverter<QJsonValue>
{
    static QJsonValue toJson(const QJsonValue &value) { return value; }
    static QJsonValue fromJson(const QJsonValue &json, const QString &) { return json; }
};
