#pragma once

#include <QRustBridge/qrustjson.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <optional>

/*!
    \file qrustcodegen.h
    \brief Support code for the headers qrustbridge-codegen generates.

    Not meant to be used by hand: a generated header specializes
    QRustCodegen::Codec for each of its types and builds its
    QRustJsonConverter specializations on top of it (see docs/contract.md).

    A generated type is read and written in one of two spellings
    (QRustCodegen::Names): with the backend's JSON keys and enumerator names
    (the wire, used by QRustBridge::send()), or with the generated C++
    property names (used by the generated QML client, so that QML code sees
    the same names as C++ code). Containers pass the spelling down to their
    elements, which is why they have their own Codec and do not reuse
    QRustJsonConverter's.
*/

namespace QRustCodegen {

/*! Which names the JSON of a generated type uses. */
enum class Names {
    Wire, //!< The JSON keys and variant names exactly as the backend describes them.
    Qml,  //!< The generated property names (camelCase); enums and variant kinds keep their JSON names.
};

/*!
    Reads and writes a \c T. The primary template is for the types the
    generator does not make (QString, numbers, QJsonValue...): it uses
    QRustJsonConverter<T> and ignores the spelling. Generated types have an
    explicit specialization; std::optional, QList and QMap<QString, T> pass
    the spelling to their elements.
*/
template <typename T, typename Enable = void>
struct Codec
{
    /*! Converts \a value to JSON. */
    static QJsonValue write(const T &value, Names) { return QRustJsonConverter<T>::toJson(value); }
    /*! Reads \a json; a mismatch throws QRustBridgeError (ProtocolError) naming \a path. */
    static T read(const QJsonValue &json, const QString &path, Names)
    {
        return QRustJsonConverter<T>::fromJson(json, path);
    }
};

/*! std::nullopt is null; null or a missing value reads as std::nullopt. */
template <typename T>
struct Codec<std::optional<T>>
{
    /*! Converts \a value to JSON. */
    static QJsonValue write(const std::optional<T> &value, Names names)
    {
        return value ? Codec<T>::write(*value, names) : QJsonValue(QJsonValue::Null);
    }
    /*! Reads \a json; a mismatch throws QRustBridgeError (ProtocolError) naming \a path. */
    static std::optional<T> read(const QJsonValue &json, const QString &path, Names names)
    {
        if (json.isNull() || json.isUndefined())
            return std::nullopt;
        return Codec<T>::read(json, path, names);
    }
};

/*! A JSON array; element \c i is reported as `path[i]`. */
template <typename T>
struct Codec<QList<T>>
{
    /*! Converts \a values to JSON. */
    static QJsonValue write(const QList<T> &values, Names names)
    {
        QJsonArray array;
        for (const T &value : values)
            array.append(Codec<T>::write(value, names));
        return array;
    }
    /*! Reads \a json; a mismatch throws QRustBridgeError (ProtocolError) naming \a path. */
    static QList<T> read(const QJsonValue &json, const QString &path, Names names)
    {
        QRustTyped::detail::expectJson(json, QRustTyped::detail::Expected::Array, path);
        const QJsonArray array = json.toArray();
        QList<T> values;
        values.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i)
            values.append(Codec<T>::read(array.at(i), QRustTyped::jsonIndexPath(path, i), names));
        return values;
    }
};

/*! A JSON object with arbitrary keys (a Rust HashMap/BTreeMap<String, T>); the keys are data, never renamed. */
template <typename T>
struct Codec<QMap<QString, T>>
{
    /*! Converts \a values to JSON. */
    static QJsonValue write(const QMap<QString, T> &values, Names names)
    {
        QJsonObject object;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            object.insert(it.key(), Codec<T>::write(it.value(), names));
        return object;
    }
    /*! Reads \a json; a mismatch throws QRustBridgeError (ProtocolError) naming \a path. */
    static QMap<QString, T> read(const QJsonValue &json, const QString &path, Names names)
    {
        QRustTyped::detail::expectJson(json, QRustTyped::detail::Expected::Object, path);
        const QJsonObject object = json.toObject();
        QMap<QString, T> values;
        for (auto it = object.begin(); it != object.end(); ++it)
            values.insert(it.key(), Codec<T>::read(it.value(), QRustTyped::jsonMemberPath(path, it.key()), names));
        return values;
    }
};

/*! \a json as an object, or the "expected an object" error naming \a path. */
inline QJsonObject expectObject(const QJsonValue &json, const QString &path)
{
    QRustTyped::detail::expectJson(json, QRustTyped::detail::Expected::Object, path);
    return json.toObject();
}

/*! Throws `path: required field is missing`. */
[[noreturn]] inline void throwMissing(const QString &path)
{
    throw QRustTyped::jsonError(QCoreApplication::translate("QRustBridge", "%1: required field is missing").arg(path));
}

/*! Throws `path: "name" is not one of "a", "b"` for an unknown enumerator or variant. */
[[noreturn]] inline void throwNotOneOf(const QString &path, const QString &name, const QStringList &known)
{
    QStringList quoted;
    for (const QString &candidate : known)
        quoted.append(QLatin1Char('"') + candidate + QLatin1Char('"'));
    throw QRustTyped::jsonError(QCoreApplication::translate("QRustBridge", "%1: %2 is not one of %3")
                                    .arg(path, QLatin1Char('"') + name + QLatin1Char('"'),
                                         quoted.join(QLatin1String(", "))));
}

/*! Throws `path: matches no variant of Type` (an untagged union). */
[[noreturn]] inline void throwNoVariant(const QString &path, const QString &typeName)
{
    throw QRustTyped::jsonError(
        QCoreApplication::translate("QRustBridge", "%1: matches no variant of %2").arg(path, typeName));
}

/*! Reads the string at \a path (an enumerator name or a variant kind). */
inline QString readName(const QJsonValue &json, const QString &path)
{
    QRustTyped::detail::expectJson(json, QRustTyped::detail::Expected::String, path);
    return json.toString();
}

/*! Writes \a value under \a key. */
template <typename T>
void writeField(QJsonObject &object, const QString &key, const T &value, Names names)
{
    object.insert(key, Codec<T>::write(value, names));
}

/*! Writes \a value under \a key unless it is std::nullopt (an optional field is left out). */
template <typename T>
void writeOptionalField(QJsonObject &object, const QString &key, const std::optional<T> &value, Names names)
{
    if (value)
        object.insert(key, Codec<T>::write(*value, names));
}

/*! Reads the required member \a key of \a object at \a path. */
template <typename T>
T readField(const QJsonObject &object, const QString &key, const QString &path, Names names)
{
    const QString keyPath = QRustTyped::jsonMemberPath(path, key);
    const auto it = object.constFind(key);
    if (it == object.constEnd())
        throwMissing(keyPath);
    return Codec<T>::read(*it, keyPath, names);
}

/*! Reads the optional member \a key: absent or null is std::nullopt. */
template <typename T>
std::optional<T> readOptionalField(const QJsonObject &object, const QString &key, const QString &path, Names names)
{
    return Codec<std::optional<T>>::read(object.value(key), QRustTyped::jsonMemberPath(path, key), names);
}

/*! How a union (a Rust enum with data) is tagged on the wire, as serde does it. */
struct Tagging
{
    /*! The four serde representations. */
    enum Style {
        External, //!< `"unit"` or `{"variant": payload}` (serde's default)
        Internal, //!< `{"<tag>": "variant", ...payload fields}` (`#[serde(tag = "...")]`)
        Adjacent, //!< `{"<tag>": "variant", "<content>": payload}` (`tag` and `content`)
        Untagged, //!< the payload alone (`#[serde(untagged)]`); a unit variant is null
    };
    Style style = External; //!< Which of the four.
    QString tag;     //!< Internal and Adjacent: the tag key.
    QString content; //!< Adjacent: the content key.
};

/*! Wraps \a payload (Undefined for a unit variant) of the variant \a name as \a tagging says. */
inline QJsonValue wrapVariant(const Tagging &tagging, const QString &name, const QJsonValue &payload,
                              const QString &path)
{
    const bool unit = payload.isUndefined();
    switch (tagging.style) {
    case Tagging::External:
        if (unit)
            return name;
        return QJsonObject{{name, payload}};
    case Tagging::Internal: {
        if (unit)
            return QJsonObject{{tagging.tag, name}};
        if (!payload.isObject()) {
            throw QRustTyped::jsonError(
                QCoreApplication::translate("QRustBridge", "%1: an internally tagged variant needs an object, got %2")
                    .arg(path, QRustTyped::jsonTypeName(payload)));
        }
        QJsonObject object = payload.toObject();
        object.insert(tagging.tag, name);
        return object;
    }
    case Tagging::Adjacent:
        if (unit)
            return QJsonObject{{tagging.tag, name}};
        return QJsonObject{{tagging.tag, name}, {tagging.content, payload}};
    case Tagging::Untagged:
        break;
    }
    return unit ? QJsonValue(QJsonValue::Null) : payload;
}

/*! A tagged union's variant name and payload as read from the wire. */
struct VariantJson
{
    QString name;        //!< The variant's JSON name.
    QString namePath;    //!< Where the name was found (for "is not one of").
    QJsonValue payload;  //!< Undefined when there is none.
    QString payloadPath; //!< Where the payload was found.
};

/*! Splits a tagged (not untagged) union's JSON into variant name and payload. */
inline VariantJson unwrapVariant(const Tagging &tagging, const QJsonValue &json, const QString &path)
{
    VariantJson variant;
    if (tagging.style == Tagging::External) {
        variant.namePath = path;
        variant.payloadPath = path;
        if (json.isString()) {
            variant.name = json.toString();
            return variant;
        }
        const QJsonObject object = json.isObject() ? json.toObject() : QJsonObject();
        if (object.size() != 1) {
            throw QRustTyped::jsonError(QCoreApplication::translate(
                                            "QRustBridge", "%1: expected a variant name or an object with one key, got %2")
                                            .arg(path, json.isObject() ? QCoreApplication::translate(
                                                                             "QRustBridge", "an object with %n keys",
                                                                             nullptr, int(object.size()))
                                                                       : QRustTyped::jsonTypeName(json)));
        }
        variant.name = object.begin().key();
        variant.payload = object.begin().value();
        variant.payloadPath = QRustTyped::jsonMemberPath(path, variant.name);
        return variant;
    }
    const QJsonObject object = expectObject(json, path);
    variant.namePath = QRustTyped::jsonMemberPath(path, tagging.tag);
    const auto tag = object.constFind(tagging.tag);
    if (tag == object.constEnd())
        throwMissing(variant.namePath);
    variant.name = readName(*tag, variant.namePath);
    if (tagging.style == Tagging::Internal) {
        variant.payload = object;
        variant.payloadPath = path;
    } else {
        variant.payload = object.value(tagging.content);
        variant.payloadPath = QRustTyped::jsonMemberPath(path, tagging.content);
    }
    return variant;
}

/*! The payload of a variant that needs one: a missing payload is the "required field" error. */
inline QJsonValue requirePayload(const VariantJson &variant)
{
    if (variant.payload.isUndefined())
        throwMissing(variant.payloadPath);
    return variant.payload;
}

/*! Throws `Type: 7 is not one of its enumerators` (a C++ value outside the enum). */
[[noreturn]] inline void throwBadEnumerator(const QString &typeName, qint64 value)
{
    throw QRustTyped::jsonError(QCoreApplication::translate("QRustBridge", "%1: %2 is not one of its enumerators")
                                    .arg(typeName, QString::number(value)));
}

/*! A union in the QML spelling: `{"kind": "variant", "member": payload}` (no member for a unit variant). */
inline QJsonValue qmlVariant(const QString &name, const QString &member, const QJsonValue &payload)
{
    QJsonObject object{{QStringLiteral("kind"), name}};
    if (!member.isEmpty())
        object.insert(member, payload);
    return object;
}

/*! Reads the "kind" of a union in the QML spelling; the payload is the whole object (see qmlPayload()). */
inline VariantJson qmlUnwrapVariant(const QJsonValue &json, const QString &path)
{
    const QJsonObject object = expectObject(json, path);
    VariantJson variant;
    variant.namePath = QRustTyped::jsonMemberPath(path, QStringLiteral("kind"));
    const auto kind = object.constFind(QStringLiteral("kind"));
    if (kind == object.constEnd())
        throwMissing(variant.namePath);
    variant.name = readName(*kind, variant.namePath);
    variant.payload = object;
    variant.payloadPath = path;
    return variant;
}

/*! The payload member \a member of a union read by qmlUnwrapVariant(). */
inline VariantJson qmlPayload(const VariantJson &variant, const QString &member)
{
    VariantJson payload = variant;
    payload.payload = variant.payload.toObject().value(member);
    payload.payloadPath = QRustTyped::jsonMemberPath(variant.payloadPath, member);
    return payload;
}

/*! A value of \c T received from the backend, rewritten in the QML spelling (throws if it does not read as \c T). */
template <typename T>
QJsonValue wireToQml(const QJsonValue &json, const QString &path)
{
    return Codec<T>::write(Codec<T>::read(json, path, Names::Wire), Names::Qml);
}

/*! A value of \c T given in the QML spelling, rewritten for the backend (throws if it does not read as \c T). */
template <typename T>
QJsonValue qmlToWire(const QJsonValue &json, const QString &path)
{
    return Codec<T>::write(Codec<T>::read(json, path, Names::Qml), Names::Wire);
}

} // namespace QRustCodegen
