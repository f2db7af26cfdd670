#pragma once

#include "description.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonValue>
#include <QtCore/QString>

#include <optional>

class QJsonObject;

// Reads a backend's self-description (docs/contract.md) and checks it:
// required members, known type kinds and primitives, references that
// resolve. An error names the JSON path of what is wrong, e.g.
// `$.types[2].fields[0].type: unknown type "i128"`.
class DescriptionReader
{
public:
    // The description in `json`, or nullopt with the reason in `error`.
    std::optional<Description> read(const QByteArray &json, QString *error);

private:
    struct Failure
    {
        QString message;
    };

    [[noreturn]] static void fail(const QString &path, const QString &message);
    static QJsonObject object(const QJsonValue &json, const QString &path);
    static QString string(const QJsonObject &object, const QString &key, const QString &path);
    static QString optionalString(const QJsonObject &object, const QString &key, const QString &path);
    static QJsonValue member(const QJsonObject &object, const QString &key, const QString &path);

    Description readDescription(const QJsonValue &json);
    Command readCommand(const QJsonValue &json, const QString &path);
    TypeDef readType(const QJsonValue &json, const QString &path);
    QList<Field> readFields(const QJsonValue &json, const QString &path);
    Variant readVariant(const QJsonValue &json, const QString &path);
    TypeRef readTypeRef(const QJsonValue &json, const QString &path);

    // Every {"ref"} seen, with its path, checked once all types are known.
    QList<std::pair<QString, QString>> m_refs;
    Description m_description;
};
