#pragma once

#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QAssociativeIterable>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QLocale>
#include <QtCore/QMap>
#include <QtCore/QMetaEnum>
#include <QtCore/QMetaObject>
#include <QtCore/QMetaProperty>
#include <QtCore/QMetaType>
#include <QtCore/QSequentialIterable>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>
#include <QtCore/QUuid>
#include <QtCore/QVariant>

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

/*!
    \file qrustjson.h
    \brief Conversion between C++ values and JSON for the typed command layer.

    QRustJsonConverter<T> turns a \c T into a QJsonValue and back. It is what
    QRustBridge::send<Command>() uses for \c Command::Params and
    \c Command::Result, and it can be used on its own through qRustToJson()
    and qRustFromJson().

    Supported out of the box (JSON shape in brackets):
    \list
    \li QJsonValue [anything], QJsonObject [object], QJsonArray [array]
    \li QString [string], bool [true/false]
    \li every integer type [number; non-integral and out-of-range numbers are errors]
    \li float, double [number]
    \li enums [Q_ENUM: the enumerator's name as a string; other enums: the integer]
    \li QVariant [anything, via QJsonValue::toVariant()], QVariantList, QVariantMap, QVariantHash
    \li QDateTime, QDate, QTime [ISO 8601 string; invalid = null], QUrl, QUuid [string]
    \li std::optional<T> [null or missing = std::nullopt, otherwise T's shape]
    \li QList<T> (so QStringList too) and std::vector<T> [array]
    \li QMap<QString, T> and QHash<QString, T> [object]
    \li any Q_GADGET [object: one key per stored Q_PROPERTY, named like the property]
    \endlist

    Reading JSON never trusts it: a value of the wrong shape throws a
    QRustBridgeError with code ProtocolError and a translated message that
    starts with the path of the offending field, for example
    `result.items[2].name: expected a string, got number`.
    Messages are translated in the context "QRustBridge", the context of
    QRustBridge::tr() (through QCoreApplication::translate(), since this
    header is included by qrustbridge.h and cannot include it back).

    Integers: JSON numbers are doubles for most peers, so integers round-trip
    exactly up to 2^53 in magnitude everywhere. Between Qt and a Rust backend
    (serde_json) integers in the qint64 range stay exact; quint64 values above
    2^63 - 1 travel as doubles and lose precision.
*/

/*!
    \struct QRustJsonConverter
    \brief Converts \c T to and from JSON; specialize it to support your own types.

    A specialization provides
    \code
    static QJsonValue toJson(const T &value);
    static T fromJson(const QJsonValue &json, const QString &path);
    \endcode
    \c fromJson throws QRustBridgeError (code ProtocolError) when \a json does
    not fit; the message should start with \a path (see QRustTyped::jsonError()).
    \c toJson throws only for values that cannot be represented at all (a
    Q_GADGET property whose type has no conversion).

    The \c Enable parameter is for \c std::enable_if based partial
    specializations. The primary template has no conversion: using it fails
    to compile with a message naming the type.
*/
template <typename T, typename Enable = void>
struct QRustJsonConverter;

namespace QRustTyped {

namespace detail {

template <typename T>
inline constexpr bool always_false_v = false;

template <typename T, typename = void>
struct is_gadget : std::false_type {};
template <typename T>
struct is_gadget<T, std::void_t<typename T::QtGadgetHelper>>
    : std::bool_constant<std::is_same_v<decltype(&T::staticMetaObject), const QMetaObject *>> {};

template <typename T, typename = void>
struct is_unsupported : std::false_type {};
template <typename T>
struct is_unsupported<T, std::void_t<typename QRustJsonConverter<T>::QRustNoConverter>> : std::true_type {};

} // namespace detail

/*!
    True when QRustJsonConverter<T> is usable: \c T is one of the supported
    types or someone specialized QRustJsonConverter for it.
*/
template <typename T>
struct has_json_converter : std::bool_constant<!detail::is_unsupported<T>::value> {};
/*! Shorthand for has_json_converter<T>::value. */
template <typename T>
inline constexpr bool has_json_converter_v = has_json_converter<T>::value;

/*! True for types declared with Q_GADGET (converted through their Q_PROPERTYs). */
template <typename T>
inline constexpr bool is_gadget_v = detail::is_gadget<T>::value;

/*!
    Appends the object key \a key to the field path \a path:
    `result` + `name` gives `result.name`; keys that are not
    identifiers are quoted, `result["first name"]`.
*/
inline QString jsonMemberPath(const QString &path, const QString &key)
{
    bool identifier = !key.isEmpty();
    for (qsizetype i = 0; identifier && i < key.size(); ++i) {
        const QChar c = key.at(i);
        identifier = c == u'_' || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
                     || (i > 0 && c >= u'0' && c <= u'9');
    }
    if (identifier)
        return path.isEmpty() ? key : path + u'.' + key;
    QString quoted = key;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return path + QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
}

/*! Appends the array index \a index to the field path \a path: `items` + 2 gives `items[2]`. */
inline QString jsonIndexPath(const QString &path, qsizetype index)
{
    return path + u'[' + QString::number(index) + u']';
}

/*! The JSON type name of \a json as used in error messages: `string`, `number`, ... */
inline QString jsonTypeName(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("boolean");
    case QJsonValue::Double: return QStringLiteral("number");
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Array: return QStringLiteral("array");
    case QJsonValue::Object: return QStringLiteral("object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

/*!
    The error every converter throws: code ProtocolError, \a message as given
    (translated, starting with the field path).
*/
inline QRustBridgeError jsonError(const QString &message)
{
    return QRustBridgeError(QRustBridgeError::Code::ProtocolError, message);
}

namespace detail {

// The JSON shapes a converter can ask for; one translatable sentence each.
enum class Expected { String, Boolean, Number, Integer, Object, Array };

[[noreturn]] inline void throwTypeMismatch(const QString &path, Expected expected, const QJsonValue &got)
{
    QString message;
    switch (expected) {
    case Expected::String:
        message = QCoreApplication::translate("QRustBridge", "%1: expected a string, got %2");
        break;
    case Expected::Boolean:
        message = QCoreApplication::translate("QRustBridge", "%1: expected a boolean, got %2");
        break;
    case Expected::Number:
        message = QCoreApplication::translate("QRustBridge", "%1: expected a number, got %2");
        break;
    case Expected::Integer:
        message = QCoreApplication::translate("QRustBridge", "%1: expected an integer, got %2");
        break;
    case Expected::Object:
        message = QCoreApplication::translate("QRustBridge", "%1: expected an object, got %2");
        break;
    case Expected::Array:
        message = QCoreApplication::translate("QRustBridge", "%1: expected an array, got %2");
        break;
    }
    throw jsonError(message.arg(path, jsonTypeName(got)));
}

// Throws the type mismatch unless `json` has the JSON type `expected` asks for.
inline void expectJson(const QJsonValue &json, Expected expected, const QString &path)
{
    bool matches = false;
    switch (expected) {
    case Expected::String: matches = json.isString(); break;
    case Expected::Boolean: matches = json.isBool(); break;
    case Expected::Number:
    case Expected::Integer: matches = json.isDouble(); break;
    case Expected::Object: matches = json.isObject(); break;
    case Expected::Array: matches = json.isArray(); break;
    }
    if (!matches)
        throwTypeMismatch(path, expected, json);
}

// QJsonObject, QJsonArray, QString and bool: exactly one JSON type each.
template <typename T, Expected expected>
struct JsonTypeConverter
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const T &value) { return QJsonValue(value); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        expectJson(json, expected, path);
        if constexpr (std::is_same_v<T, QJsonObject>)
            return json.toObject();
        else if constexpr (std::is_same_v<T, QJsonArray>)
            return json.toArray();
        else if constexpr (std::is_same_v<T, QString>)
            return json.toString();
        else
            return json.toBool();
    }
};

inline QString formatNumber(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

[[noreturn]] inline void throwOutOfRange(const QString &path, const QString &value, const QString &min,
                                         const QString &max)
{
    throw jsonError(QCoreApplication::translate("QRustBridge", "%1: %2 is out of range (%3 to %4)")
                        .arg(path, value, min, max));
}

template <typename T>
QString integerLimit(T value)
{
    if constexpr (std::is_signed_v<T>)
        return QString::number(qint64(value));
    else
        return QString::number(quint64(value));
}

template <typename T>
[[noreturn]] void throwIntegerOutOfRange(const QString &path, const QString &value)
{
    throwOutOfRange(path, value, integerLimit(std::numeric_limits<T>::min()),
                    integerLimit(std::numeric_limits<T>::max()));
}

template <typename T>
constexpr bool fitsIn(qint64 value)
{
    if constexpr (std::is_signed_v<T>)
        return value >= qint64(std::numeric_limits<T>::min()) && value <= qint64(std::numeric_limits<T>::max());
    else
        return value >= 0 && quint64(value) <= quint64(std::numeric_limits<T>::max());
}

// Qt keeps integers that fit in qint64 exact (parser and QJsonValue(qint64));
// everything else is a double and must be integral and in range.
template <typename T>
T readInteger(const QJsonValue &json, const QString &path)
{
    expectJson(json, Expected::Integer, path);
    const QVariant number = json.toVariant();
    if (number.metaType().id() == QMetaType::LongLong) {
        const qint64 value = number.toLongLong();
        if (!fitsIn<T>(value))
            throwIntegerOutOfRange<T>(path, QString::number(value));
        return T(value);
    }
    const double value = json.toDouble();
    if (!std::isfinite(value) || std::trunc(value) != value) {
        throw jsonError(QCoreApplication::translate("QRustBridge", "%1: expected an integer, got %2")
                            .arg(path, formatNumber(value)));
    }
    // [lower, upper) with both bounds exact powers of two, so the comparison is exact.
    const double upper = std::ldexp(1.0, std::numeric_limits<T>::digits);
    const double lower = std::is_signed_v<T> ? -upper : 0.0;
    if (value < lower || value >= upper)
        throwIntegerOutOfRange<T>(path, formatNumber(value));
    return T(value);
}

template <typename T>
QJsonValue integerToJson(T value)
{
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(qint64)) {
        if (value > quint64(std::numeric_limits<qint64>::max()))
            return QJsonValue(double(value)); // beyond qint64: only a double can carry it
    }
    return QJsonValue(qint64(value));
}

} // namespace detail
} // namespace QRustTyped

/*! No conversion: the fallback for every type without a specialization. */
template <typename T, typename Enable>
struct QRustJsonConverter
{
    /*! Marks types without a converter (detected by has_json_converter). */
    using QRustNoConverter = void; // marker read by QRustTyped::has_json_converter_v

    /*! Converts a value to JSON. */
    static QJsonValue toJson(const T &)
    {
        static_assert(QRustTyped::detail::always_false_v<T>,
                      "QRustJsonConverter<T>: T has no JSON conversion. Use a supported type "
                      "(Q_GADGET, QString, bool, numbers, enums, QList, std::vector, std::optional, "
                      "QMap/QHash<QString, T>, QVariant, QJsonValue...) or specialize QRustJsonConverter<T>.");
        return {};
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    [[noreturn]] static T fromJson(const QJsonValue &, const QString &)
    {
        static_assert(QRustTyped::detail::always_false_v<T>,
                      "QRustJsonConverter<T>: T has no JSON conversion. Use a supported type "
                      "(Q_GADGET, QString, bool, numbers, enums, QList, std::vector, std::optional, "
                      "QMap/QHash<QString, T>, QVariant, QJsonValue...) or specialize QRustJsonConverter<T>.");
        std::terminate();
    }
};

/*! Any JSON value, passed through untouched (a missing value stays QJsonValue::Undefined). */
template <>
struct QRustJsonConverter<QJsonValue>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QJsonValue &value) { return value; }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QJsonValue fromJson(const QJsonValue &json, const QString &) { return json; }
};

/*! A JSON object. */
template <>
struct QRustJsonConverter<QJsonObject>
    : QRustTyped::detail::JsonTypeConverter<QJsonObject, QRustTyped::detail::Expected::Object> {};

/*! A JSON array. */
template <>
struct QRustJsonConverter<QJsonArray>
    : QRustTyped::detail::JsonTypeConverter<QJsonArray, QRustTyped::detail::Expected::Array> {};

/*! A JSON string. */
template <>
struct QRustJsonConverter<QString>
    : QRustTyped::detail::JsonTypeConverter<QString, QRustTyped::detail::Expected::String> {};

/*! \c true or \c false; numbers and strings are not booleans. */
template <>
struct QRustJsonConverter<bool>
    : QRustTyped::detail::JsonTypeConverter<bool, QRustTyped::detail::Expected::Boolean> {};

/*!
    Any integer type (char types included, bool excluded). Reading rejects
    non-integral numbers and values outside the range of \c T.
*/
template <typename T>
struct QRustJsonConverter<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(T value) { return QRustTyped::detail::integerToJson(value); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        return QRustTyped::detail::readInteger<T>(json, path);
    }
};

/*!
    float and double. NaN and infinities have no JSON form and are written as
    null (reading null back is an error). Reading a float rejects finite
    numbers beyond its range.
*/
template <typename T>
struct QRustJsonConverter<T, std::enable_if_t<std::is_floating_point_v<T>>>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(T value) { return QJsonValue(double(value)); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        QRustTyped::detail::expectJson(json, QRustTyped::detail::Expected::Number, path);
        const double value = json.toDouble();
        if (std::isfinite(value) && std::fabs(value) > double(std::numeric_limits<T>::max())) {
            QRustTyped::detail::throwOutOfRange(path, QRustTyped::detail::formatNumber(value),
                                                QRustTyped::detail::formatNumber(double(std::numeric_limits<T>::lowest())),
                                                QRustTyped::detail::formatNumber(double(std::numeric_limits<T>::max())));
        }
        return T(value);
    }
};

namespace QRustTyped {
namespace detail {

// The string-coded types; one translatable sentence each.
enum class TextKind { Url, Uuid, DateTime, Date, Time };

[[noreturn]] inline void throwBadText(const QString &path, const QString &text, TextKind kind)
{
    QString message;
    switch (kind) {
    case TextKind::Url:
        message = QCoreApplication::translate("QRustBridge", "%1: \"%2\" is not a valid URL");
        break;
    case TextKind::Uuid:
        message = QCoreApplication::translate("QRustBridge", "%1: \"%2\" is not a UUID");
        break;
    case TextKind::DateTime:
        message = QCoreApplication::translate("QRustBridge", "%1: \"%2\" is not an ISO 8601 date and time");
        break;
    case TextKind::Date:
        message = QCoreApplication::translate("QRustBridge", "%1: \"%2\" is not an ISO 8601 date");
        break;
    case TextKind::Time:
        message = QCoreApplication::translate("QRustBridge", "%1: \"%2\" is not an ISO 8601 time");
        break;
    }
    throw jsonError(message.arg(path, text));
}

// QDateTime, QDate, QTime: ISO 8601 text; the invalid (null) value is JSON null.
template <typename T>
struct IsoTextConverter
{
    // QDate has no milliseconds and rejects ISODateWithMs when parsing.
    static constexpr Qt::DateFormat format = std::is_same_v<T, QDate> ? Qt::ISODate : Qt::ISODateWithMs;

    /*! Converts a value to JSON. */
    static QJsonValue toJson(const T &value)
    {
        return value.isValid() ? QJsonValue(value.toString(format)) : QJsonValue(QJsonValue::Null);
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        if (json.isNull())
            return T();
        const T value = T::fromString(QRustJsonConverter<QString>::fromJson(json, path), format);
        if (!value.isValid()) {
            throwBadText(path, json.toString(),
                         std::is_same_v<T, QDateTime> ? TextKind::DateTime
                         : std::is_same_v<T, QDate>   ? TextKind::Date
                                                      : TextKind::Time);
        }
        return value;
    }
};

} // namespace detail
} // namespace QRustTyped

/*!
    An ISO 8601 string with milliseconds, e.g. `"2024-01-02T03:04:05.678Z"`
    (what serde/chrono write for a \c DateTime<Utc>); an invalid QDateTime is
    null. Reading accepts any ISO 8601 date-time Qt parses (finer fractions
    are rounded to milliseconds). A Qt::LocalTime value is written without
    an offset: send UTC or offset times to be unambiguous.
*/
template <>
struct QRustJsonConverter<QDateTime> : QRustTyped::detail::IsoTextConverter<QDateTime> {};

/*! An ISO 8601 date, `"2024-01-02"`; an invalid QDate is null. */
template <>
struct QRustJsonConverter<QDate> : QRustTyped::detail::IsoTextConverter<QDate> {};

/*! An ISO 8601 time, `"03:04:05.678"`; an invalid QTime is null. */
template <>
struct QRustJsonConverter<QTime> : QRustTyped::detail::IsoTextConverter<QTime> {};

/*! A string, fully encoded; an empty QUrl is `""`. Reading rejects text that is not a valid URL. */
template <>
struct QRustJsonConverter<QUrl>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QUrl &value) { return value.toString(QUrl::FullyEncoded); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QUrl fromJson(const QJsonValue &json, const QString &path)
    {
        const QString text = QRustJsonConverter<QString>::fromJson(json, path);
        const QUrl url(text, QUrl::StrictMode);
        if (!text.isEmpty() && !url.isValid())
            QRustTyped::detail::throwBadText(path, text, QRustTyped::detail::TextKind::Url);
        return url;
    }
};

/*! A string without braces, `"67e55044-10b1-426f-9247-bb680e5fe0c8"`, as serde's uuid writes it. */
template <>
struct QRustJsonConverter<QUuid>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QUuid &value) { return value.toString(QUuid::WithoutBraces); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QUuid fromJson(const QJsonValue &json, const QString &path)
    {
        const QString text = QRustJsonConverter<QString>::fromJson(json, path);
        const QUuid uuid = QUuid::fromString(text);
        if (uuid.isNull() && QUuid().toString(QUuid::WithoutBraces) != text && QUuid().toString() != text)
            QRustTyped::detail::throwBadText(path, text, QRustTyped::detail::TextKind::Uuid);
        return uuid;
    }
};

/*!
    Any JSON value, as QJsonValue::toVariant() and QJsonValue::fromVariant()
    see it: null is a QVariant holding \c nullptr, a missing value is an
    invalid QVariant (written back as null).
*/
template <>
struct QRustJsonConverter<QVariant>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QVariant &value) { return QJsonValue::fromVariant(value); }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QVariant fromJson(const QJsonValue &json, const QString &) { return json.toVariant(); }
};

/*! null (or a missing value) is std::nullopt; anything else must convert to \c T. */
template <typename T>
struct QRustJsonConverter<std::optional<T>, std::enable_if_t<QRustTyped::has_json_converter_v<T>>>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const std::optional<T> &value)
    {
        return value ? QRustJsonConverter<T>::toJson(*value) : QJsonValue(QJsonValue::Null);
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static std::optional<T> fromJson(const QJsonValue &json, const QString &path)
    {
        if (json.isNull() || json.isUndefined())
            return std::nullopt;
        return QRustJsonConverter<T>::fromJson(json, path);
    }
};

namespace QRustTyped {
namespace detail {

template <typename Container>
struct SequenceConverter
{
    using T = typename Container::value_type;

    /*! Converts a value to JSON. */
    static QJsonValue toJson(const Container &values)
    {
        QJsonArray array;
        for (const T &value : values)
            array.append(QRustJsonConverter<T>::toJson(value));
        return array;
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static Container fromJson(const QJsonValue &json, const QString &path)
    {
        expectJson(json, Expected::Array, path);
        const QJsonArray array = json.toArray();
        Container values;
        values.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i)
            values.push_back(QRustJsonConverter<T>::fromJson(array.at(i), jsonIndexPath(path, i)));
        return values;
    }
};

template <typename Map>
struct StringMapConverter
{
    using T = typename Map::mapped_type;

    /*! Converts a value to JSON. */
    static QJsonValue toJson(const Map &values)
    {
        QJsonObject object;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            object.insert(it.key(), QRustJsonConverter<T>::toJson(it.value()));
        return object;
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static Map fromJson(const QJsonValue &json, const QString &path)
    {
        expectJson(json, Expected::Object, path);
        const QJsonObject object = json.toObject();
        Map values;
        for (auto it = object.begin(); it != object.end(); ++it)
            values.insert(it.key(), QRustJsonConverter<T>::fromJson(it.value(), jsonMemberPath(path, it.key())));
        return values;
    }
};

} // namespace detail
} // namespace QRustTyped

/*! A JSON array; element \c i is reported as `path[i]` in errors. QStringList and QVariantList are QLists. */
template <typename T>
struct QRustJsonConverter<QList<T>, std::enable_if_t<QRustTyped::has_json_converter_v<T>>>
    : QRustTyped::detail::SequenceConverter<QList<T>> {};

/*! A JSON array, like QList<T>. */
template <typename T>
struct QRustJsonConverter<std::vector<T>, std::enable_if_t<QRustTyped::has_json_converter_v<T>>>
    : QRustTyped::detail::SequenceConverter<std::vector<T>> {};

/*! A JSON object; QVariantMap is QMap<QString, QVariant>. */
template <typename T>
struct QRustJsonConverter<QMap<QString, T>, std::enable_if_t<QRustTyped::has_json_converter_v<T>>>
    : QRustTyped::detail::StringMapConverter<QMap<QString, T>> {};

/*! A JSON object; QVariantHash is QHash<QString, QVariant>. */
template <typename T>
struct QRustJsonConverter<QHash<QString, T>, std::enable_if_t<QRustTyped::has_json_converter_v<T>>>
    : QRustTyped::detail::StringMapConverter<QHash<QString, T>> {};

namespace QRustTyped {
namespace detail {

// --- Runtime conversion by QMetaType, for Q_GADGET properties -------------
// Every function works on raw storage: `value` points to an object of `type`.

inline QJsonValue toJsonDynamic(QMetaType type, const void *value, const QString &path);
inline void fromJsonDynamic(QMetaType type, void *value, const QJsonValue &json, const QString &path);

template <typename T>
struct TypeTag { using type = T; };

// The types with a compile-time converter that also appear as property
// types: dispatch to QRustJsonConverter so both paths give the same JSON.
template <typename Visitor>
bool visitBuiltinType(int typeId, Visitor &&visit)
{
    switch (typeId) {
    case QMetaType::QJsonValue: visit(TypeTag<QJsonValue>()); return true;
    case QMetaType::QJsonObject: visit(TypeTag<QJsonObject>()); return true;
    case QMetaType::QJsonArray: visit(TypeTag<QJsonArray>()); return true;
    case QMetaType::QString: visit(TypeTag<QString>()); return true;
    case QMetaType::Bool: visit(TypeTag<bool>()); return true;
    case QMetaType::Char: visit(TypeTag<char>()); return true;
    case QMetaType::SChar: visit(TypeTag<signed char>()); return true;
    case QMetaType::UChar: visit(TypeTag<uchar>()); return true;
    case QMetaType::Short: visit(TypeTag<short>()); return true;
    case QMetaType::UShort: visit(TypeTag<ushort>()); return true;
    case QMetaType::Int: visit(TypeTag<int>()); return true;
    case QMetaType::UInt: visit(TypeTag<uint>()); return true;
    case QMetaType::Long: visit(TypeTag<long>()); return true;
    case QMetaType::ULong: visit(TypeTag<ulong>()); return true;
    case QMetaType::LongLong: visit(TypeTag<qlonglong>()); return true;
    case QMetaType::ULongLong: visit(TypeTag<qulonglong>()); return true;
    case QMetaType::Char16: visit(TypeTag<char16_t>()); return true;
    case QMetaType::Char32: visit(TypeTag<char32_t>()); return true;
    case QMetaType::Float: visit(TypeTag<float>()); return true;
    case QMetaType::Double: visit(TypeTag<double>()); return true;
    case QMetaType::QVariant: visit(TypeTag<QVariant>()); return true;
    case QMetaType::QStringList: visit(TypeTag<QStringList>()); return true;
    case QMetaType::QVariantList: visit(TypeTag<QVariantList>()); return true;
    case QMetaType::QVariantMap: visit(TypeTag<QVariantMap>()); return true;
    case QMetaType::QVariantHash: visit(TypeTag<QVariantHash>()); return true;
    case QMetaType::QDateTime: visit(TypeTag<QDateTime>()); return true;
    case QMetaType::QDate: visit(TypeTag<QDate>()); return true;
    case QMetaType::QTime: visit(TypeTag<QTime>()); return true;
    case QMetaType::QUrl: visit(TypeTag<QUrl>()); return true;
    case QMetaType::QUuid: visit(TypeTag<QUuid>()); return true;
    default: return false;
    }
}

// A default-constructed object of a runtime type, destroyed on scope exit.
class MetaValue
{
public:
    explicit MetaValue(QMetaType type) : m_type(type), m_data(type.create()) {}
    ~MetaValue() { m_type.destroy(m_data); }
    MetaValue(const MetaValue &) = delete;
    MetaValue &operator=(const MetaValue &) = delete;
    void *data() const { return m_data; }

private:
    QMetaType m_type;
    void *m_data;
};

// Storage of the value a QVariant carries. A QVariant-typed slot is the
// QVariant itself (QVariant never nests one QVariant in another).
inline const void *variantStorage(QMetaType declared, const QVariant &value)
{
    return declared == QMetaType::fromType<QVariant>() ? static_cast<const void *>(&value) : value.constData();
}

[[noreturn]] inline void throwNoConversion(const QString &path, QMetaType type)
{
    throw jsonError(QCoreApplication::translate("QRustBridge", "%1: the type %2 has no JSON conversion")
                        .arg(path, QString::fromLatin1(type.name())));
}

// Q_ENUM types: name lookup through the enclosing meta-object.
inline QMetaEnum metaEnum(QMetaType type)
{
    const QMetaObject *metaObject = type.metaObject();
    if (!metaObject)
        return QMetaEnum();
    QByteArray name = type.name();
    name = name.mid(name.lastIndexOf(':') + 1);
    const int index = metaObject->indexOfEnumerator(name.constData());
    return index < 0 ? QMetaEnum() : metaObject->enumerator(index);
}

inline QJsonValue enumToJson(QMetaType type, qint64 value)
{
    const QMetaEnum meta = metaEnum(type);
    if (meta.isValid() && fitsIn<int>(value)) {
        if (const char *key = meta.valueToKey(int(value)))
            return QString::fromLatin1(key);
    }
    return QJsonValue(value);
}

// Q_ENUM: an enumerator name or value; other enums: any integer in range.
template <typename Underlying>
qint64 enumFromJson(QMetaType type, const QJsonValue &json, const QString &path)
{
    const QMetaEnum meta = metaEnum(type);
    if (!meta.isValid())
        return qint64(readInteger<Underlying>(json, path));
    QString got;
    if (json.isString()) {
        bool ok = false;
        const int value = meta.keyToValue(json.toString().toUtf8().constData(), &ok);
        if (ok)
            return value;
        got = u'"' + json.toString() + u'"';
    } else if (json.isDouble()) {
        const qint64 value = qint64(readInteger<Underlying>(json, path));
        if (fitsIn<int>(value) && meta.valueToKey(int(value)))
            return value;
        got = QString::number(value);
    } else {
        throw jsonError(QCoreApplication::translate("QRustBridge", "%1: expected an enumerator name, got %2")
                            .arg(path, jsonTypeName(json)));
    }
    QStringList keys;
    for (int i = 0; i < meta.keyCount(); ++i)
        keys.append(QString::fromLatin1(meta.key(i)));
    throw jsonError(QCoreApplication::translate("QRustBridge", "%1: %2 is not one of %3")
                        .arg(path, got, keys.join(QStringLiteral(", "))));
}

template <typename Visitor>
void visitEnumStorage(QMetaType type, Visitor &&visit)
{
    const bool isUnsigned = type.flags().testFlag(QMetaType::IsUnsignedEnumeration);
    switch (type.sizeOf()) {
    case 1: isUnsigned ? visit(TypeTag<quint8>()) : visit(TypeTag<qint8>()); break;
    case 2: isUnsigned ? visit(TypeTag<quint16>()) : visit(TypeTag<qint16>()); break;
    case 4: isUnsigned ? visit(TypeTag<quint32>()) : visit(TypeTag<qint32>()); break;
    default: isUnsigned ? visit(TypeTag<quint64>()) : visit(TypeTag<qint64>()); break;
    }
}

inline QJsonValue gadgetToJson(const QMetaObject *metaObject, const void *gadget, const QString &path)
{
    QJsonObject object;
    for (int i = 0; i < metaObject->propertyCount(); ++i) {
        const QMetaProperty property = metaObject->property(i);
        if (!property.isReadable() || !property.isStored())
            continue;
        const QString key = QString::fromLatin1(property.name());
        const QVariant value = property.readOnGadget(gadget);
        object.insert(key, toJsonDynamic(property.metaType(), variantStorage(property.metaType(), value),
                                         jsonMemberPath(path, key)));
    }
    return object;
}

inline void gadgetFromJson(const QMetaObject *metaObject, void *gadget, const QJsonValue &json, const QString &path)
{
    expectJson(json, Expected::Object, path);
    const QJsonObject object = json.toObject();
    for (int i = 0; i < metaObject->propertyCount(); ++i) {
        const QMetaProperty property = metaObject->property(i);
        if (!property.isWritable() || !property.isStored())
            continue;
        const QMetaType type = property.metaType();
        const QString key = QString::fromLatin1(property.name());
        const QString keyPath = jsonMemberPath(path, key);
        const auto it = object.constFind(key);
        const bool acceptsMissing = type == QMetaType::fromType<QJsonValue>() || type == QMetaType::fromType<QVariant>();
        if (it == object.constEnd() && !acceptsMissing) {
            throw jsonError(QCoreApplication::translate("QRustBridge", "%1: required field is missing")
                                .arg(keyPath));
        }
        const QJsonValue member = it == object.constEnd() ? QJsonValue(QJsonValue::Undefined) : it.value();
        QVariant value = type == QMetaType::fromType<QVariant>() ? QVariant() : QVariant(type);
        fromJsonDynamic(type, type == QMetaType::fromType<QVariant>() ? static_cast<void *>(&value) : value.data(),
                        member, keyPath);
        property.writeOnGadget(gadget, value);
    }
}

inline bool sequenceToJson(QMetaType type, const void *value, const QString &path, QJsonValue &out)
{
    QSequentialIterable iterable;
    if (!QMetaType::convert(type, value, QMetaType::fromType<QSequentialIterable>(), &iterable))
        return false;
    const QMetaType elementType = iterable.metaContainer().valueMetaType();
    QJsonArray array;
    qsizetype index = 0;
    for (auto it = iterable.constBegin(); it != iterable.constEnd(); ++it, ++index) {
        const QVariant element = *it;
        array.append(toJsonDynamic(elementType, variantStorage(elementType, element), jsonIndexPath(path, index)));
    }
    out = array;
    return true;
}

inline bool sequenceFromJson(QMetaType type, void *value, const QJsonValue &json, const QString &path)
{
    QSequentialIterable iterable;
    if (!QMetaType::view(type, value, QMetaType::fromType<QSequentialIterable>(), &iterable))
        return false;
    const QMetaSequence sequence = iterable.metaContainer();
    if (!sequence.canAddValueAtEnd())
        return false;
    expectJson(json, Expected::Array, path);
    const QJsonArray array = json.toArray();
    if (sequence.canClear())
        sequence.clear(value);
    const QMetaType elementType = sequence.valueMetaType();
    for (qsizetype i = 0; i < array.size(); ++i) {
        MetaValue element(elementType);
        fromJsonDynamic(elementType, element.data(), array.at(i), jsonIndexPath(path, i));
        sequence.addValueAtEnd(value, element.data());
    }
    return true;
}

inline bool stringMapToJson(QMetaType type, const void *value, const QString &path, QJsonValue &out)
{
    QAssociativeIterable iterable;
    if (!QMetaType::convert(type, value, QMetaType::fromType<QAssociativeIterable>(), &iterable)
        || iterable.metaContainer().keyMetaType() != QMetaType::fromType<QString>()) {
        return false;
    }
    const QMetaType mappedType = iterable.metaContainer().mappedMetaType();
    QJsonObject object;
    for (auto it = iterable.constBegin(); it != iterable.constEnd(); ++it) {
        const QString key = it.key().toString();
        const QVariant mapped = it.value();
        object.insert(key, toJsonDynamic(mappedType, variantStorage(mappedType, mapped), jsonMemberPath(path, key)));
    }
    out = object;
    return true;
}

inline bool stringMapFromJson(QMetaType type, void *value, const QJsonValue &json, const QString &path)
{
    QAssociativeIterable iterable;
    if (!QMetaType::view(type, value, QMetaType::fromType<QAssociativeIterable>(), &iterable))
        return false;
    const QMetaAssociation association = iterable.metaContainer();
    if (association.keyMetaType() != QMetaType::fromType<QString>() || !association.canSetMappedAtKey())
        return false;
    expectJson(json, Expected::Object, path);
    if (association.canClear())
        association.clear(value);
    const QMetaType mappedType = association.mappedMetaType();
    const QJsonObject object = json.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        MetaValue mapped(mappedType);
        fromJsonDynamic(mappedType, mapped.data(), it.value(), jsonMemberPath(path, key));
        association.setMappedAtKey(value, &key, mapped.data());
    }
    return true;
}

// Dispatch order: built-in types, converters registered with
// QMetaType::registerConverter to/from QJsonValue, gadgets, enums,
// sequential containers, QString-keyed associative containers.
inline QJsonValue toJsonDynamic(QMetaType type, const void *value, const QString &path)
{
    QJsonValue out;
    const int typeId = type.id(); // registers the type (and its container views) if nobody did yet
    if (visitBuiltinType(typeId, [&](auto tag) {
            using T = typename decltype(tag)::type;
            out = QRustJsonConverter<T>::toJson(*static_cast<const T *>(value));
        })) {
        return out;
    }
    const QMetaType jsonType = QMetaType::fromType<QJsonValue>();
    if (QMetaType::hasRegisteredConverterFunction(type, jsonType)) {
        if (!QMetaType::convert(type, value, jsonType, &out))
            throwNoConversion(path, type);
        return out;
    }
    if (type.flags().testFlag(QMetaType::IsGadget) && type.metaObject())
        return gadgetToJson(type.metaObject(), value, path);
    if (type.flags().testFlag(QMetaType::IsEnumeration)) {
        visitEnumStorage(type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            out = enumToJson(type, qint64(*static_cast<const T *>(value)));
        });
        return out;
    }
    if (sequenceToJson(type, value, path, out) || stringMapToJson(type, value, path, out))
        return out;
    throwNoConversion(path, type);
}

inline void fromJsonDynamic(QMetaType type, void *value, const QJsonValue &json, const QString &path)
{
    const int typeId = type.id();
    if (visitBuiltinType(typeId, [&](auto tag) {
            using T = typename decltype(tag)::type;
            *static_cast<T *>(value) = QRustJsonConverter<T>::fromJson(json, path);
        })) {
        return;
    }
    const QMetaType jsonType = QMetaType::fromType<QJsonValue>();
    if (QMetaType::hasRegisteredConverterFunction(jsonType, type)) {
        if (!QMetaType::convert(jsonType, &json, type, value)) {
            throw jsonError(QCoreApplication::translate("QRustBridge", "%1: %2 does not convert to %3")
                                .arg(path, jsonTypeName(json), QString::fromLatin1(type.name())));
        }
        return;
    }
    if (type.flags().testFlag(QMetaType::IsGadget) && type.metaObject()) {
        gadgetFromJson(type.metaObject(), value, json, path);
        return;
    }
    if (type.flags().testFlag(QMetaType::IsEnumeration)) {
        visitEnumStorage(type, [&](auto tag) {
            using T = typename decltype(tag)::type;
            *static_cast<T *>(value) = T(enumFromJson<T>(type, json, path));
        });
        return;
    }
    if (sequenceFromJson(type, value, json, path) || stringMapFromJson(type, value, json, path))
        return;
    throwNoConversion(path, type);
}

} // namespace detail
} // namespace QRustTyped

/*!
    Q_ENUM enums are written as the enumerator's name (like serde writes a
    Rust unit enum) and read from a name or a known value; other enums are
    written and read as integers of their underlying type.
*/
template <typename T>
struct QRustJsonConverter<T, std::enable_if_t<std::is_enum_v<T>>>
{
    /*! The enum's underlying integer type. */
    using Underlying = std::underlying_type_t<T>;

    /*! Converts a value to JSON. */
    static QJsonValue toJson(T value)
    {
        return QRustTyped::detail::enumToJson(QMetaType::fromType<T>(), qint64(Underlying(value)));
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        return T(Underlying(QRustTyped::detail::enumFromJson<Underlying>(QMetaType::fromType<T>(), json, path)));
    }
};

/*!
    A Q_GADGET is a JSON object with one key per Q_PROPERTY, named like the
    property; nested gadgets, lists and maps of them, and Q_ENUMs work.

    Writing: every readable property with STORED true (the default).
    Reading: every writable (WRITE or MEMBER), stored property must be
    present, except QJsonValue properties (missing = Undefined) and QVariant
    properties (missing = invalid QVariant); null is accepted only where the
    property's type accepts it. Keys the gadget does not know are ignored.
    Read-only properties are written but not read.
*/
template <typename T>
struct QRustJsonConverter<T, std::enable_if_t<QRustTyped::is_gadget_v<T>>>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const T &value)
    {
        return QRustTyped::detail::gadgetToJson(&T::staticMetaObject, &value,
                                                QString::fromLatin1(T::staticMetaObject.className()));
    }
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static T fromJson(const QJsonValue &json, const QString &path)
    {
        T value{};
        QRustTyped::detail::gadgetFromJson(&T::staticMetaObject, &value, json, path);
        return value;
    }
};

/*!
    Converts \a value to JSON with QRustJsonConverter<T>. Throws
    QRustBridgeError (ProtocolError) only if a Q_GADGET property has a type
    without conversion.
*/
template <typename T>
QJsonValue qRustToJson(const T &value)
{
    static_assert(QRustTyped::has_json_converter_v<T>,
                  "qRustToJson(value): the type of value has no QRustJsonConverter");
    return QRustJsonConverter<T>::toJson(value);
}

/*!
    Converts \a json to a \c T with QRustJsonConverter<T>. Throws
    QRustBridgeError (ProtocolError) when \a json does not fit; the message
    starts with \a path followed by the offending field, e.g.
    `value.items[2]: expected a string, got null`.
*/
template <typename T>
T qRustFromJson(const QJsonValue &json, const QString &path = QStringLiteral("value"))
{
    static_assert(QRustTyped::has_json_converter_v<T>,
                  "qRustFromJson<T>(json): T has no QRustJsonConverter");
    return QRustJsonConverter<T>::fromJson(json, path);
}
