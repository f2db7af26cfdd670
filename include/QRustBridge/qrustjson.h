#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QMap>
#include <QtCore/QMetaType>
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
    QRustBridge::tr(). Only the templates live in this header; the code that
    does not depend on \c T (paths, messages, Q_GADGET and Q_ENUM handling
    by QMetaType) is compiled into the library.

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
QRUSTBRIDGE_EXPORT QString jsonMemberPath(const QString &path, const QString &key);

/*! Appends the array index \a index to the field path \a path: `items` + 2 gives `items[2]`. */
QRUSTBRIDGE_EXPORT QString jsonIndexPath(const QString &path, qsizetype index);

/*! The JSON type name of \a json as used in error messages: `string`, `number`, ... */
QRUSTBRIDGE_EXPORT QString jsonTypeName(const QJsonValue &json);

/*!
    The error every converter throws: code ProtocolError, \a message as given
    (translated, starting with the field path).
*/
QRUSTBRIDGE_EXPORT QRustBridgeError jsonError(const QString &message);

namespace detail {

// The JSON shapes a converter can ask for; one translatable sentence each.
enum class Expected { String, Boolean, Number, Integer, Object, Array };

[[noreturn]] QRUSTBRIDGE_EXPORT void throwTypeMismatch(const QString &path, Expected expected, const QJsonValue &got);

// Throws the type mismatch unless `json` has the JSON type `expected` asks for.
QRUSTBRIDGE_EXPORT void expectJson(const QJsonValue &json, Expected expected, const QString &path);

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

// The shortest text that reads back as `value`.
QRUSTBRIDGE_EXPORT QString formatNumber(double value);

[[noreturn]] QRUSTBRIDGE_EXPORT void throwOutOfRange(const QString &path, const QString &value, const QString &min,
                                                     const QString &max);

// A number with a fraction, or not finite, where an integer belongs.
[[noreturn]] QRUSTBRIDGE_EXPORT void throwNotAnInteger(const QString &path, double value);

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
    if (!std::isfinite(value) || std::trunc(value) != value)
        throwNotAnInteger(path, value);
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

[[noreturn]] QRUSTBRIDGE_EXPORT void throwBadText(const QString &path, const QString &text, TextKind kind);

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
struct QRUSTBRIDGE_EXPORT QRustJsonConverter<QUrl>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QUrl &value);
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QUrl fromJson(const QJsonValue &json, const QString &path);
};

/*! A string without braces, `"67e55044-10b1-426f-9247-bb680e5fe0c8"`, as serde's uuid writes it. */
template <>
struct QRUSTBRIDGE_EXPORT QRustJsonConverter<QUuid>
{
    /*! Converts a value to JSON. */
    static QJsonValue toJson(const QUuid &value);
    /*! Reads a value from JSON; a mismatch throws QRustBridgeError (ProtocolError) naming the path. */
    static QUuid fromJson(const QJsonValue &json, const QString &path);
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

// Runtime conversion by QMetaType, compiled into the library (qrustjson.cpp).
QRUSTBRIDGE_EXPORT QJsonValue enumToJson(QMetaType type, qint64 value);
// Q_ENUM: an enumerator name or value; other enums: any integer in range of
// the underlying type (its size and signedness come from `type`).
QRUSTBRIDGE_EXPORT qint64 enumFromJson(QMetaType type, const QJsonValue &json, const QString &path);
QRUSTBRIDGE_EXPORT QJsonValue gadgetToJson(const QMetaObject *metaObject, const void *gadget, const QString &path);
QRUSTBRIDGE_EXPORT void gadgetFromJson(const QMetaObject *metaObject, void *gadget, const QJsonValue &json,
                                       const QString &path);

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
        return T(Underlying(QRustTyped::detail::enumFromJson(QMetaType::fromType<T>(), json, path)));
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
