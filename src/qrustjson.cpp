// The part of the typed layer's JSON conversion that does not depend on a
// template parameter: field paths, error messages, and conversion by
// QMetaType (Q_GADGET properties, Q_ENUMs, containers known at run time).

#include <QRustBridge/qrustjson.h>

#include "tr_p.h"

#include <QtCore/QAssociativeIterable>
#include <QtCore/QLocale>
#include <QtCore/QMetaEnum>
#include <QtCore/QMetaObject>
#include <QtCore/QMetaProperty>
#include <QtCore/QSequentialIterable>

namespace QRustTyped {

QString jsonMemberPath(const QString &path, const QString &key)
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

QString jsonIndexPath(const QString &path, qsizetype index)
{
    return path + u'[' + QString::number(index) + u']';
}

QString jsonTypeName(const QJsonValue &json)
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

QRustBridgeError jsonError(const QString &message)
{
    return QRustBridgeError(QRustBridgeError::Code::ProtocolError, message);
}

namespace detail {

void throwTypeMismatch(const QString &path, Expected expected, const QJsonValue &got)
{
    QString message;
    switch (expected) {
    case Expected::String:
        message = QRustBridgeTr::tr("%1: expected a string, got %2");
        break;
    case Expected::Boolean:
        message = QRustBridgeTr::tr("%1: expected a boolean, got %2");
        break;
    case Expected::Number:
        message = QRustBridgeTr::tr("%1: expected a number, got %2");
        break;
    case Expected::Integer:
        message = QRustBridgeTr::tr("%1: expected an integer, got %2");
        break;
    case Expected::Object:
        message = QRustBridgeTr::tr("%1: expected an object, got %2");
        break;
    case Expected::Array:
        message = QRustBridgeTr::tr("%1: expected an array, got %2");
        break;
    }
    throw jsonError(message.arg(path, jsonTypeName(got)));
}

void expectJson(const QJsonValue &json, Expected expected, const QString &path)
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

QString formatNumber(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

void throwOutOfRange(const QString &path, const QString &value, const QString &min, const QString &max)
{
    throw jsonError(QRustBridgeTr::tr("%1: %2 is out of range (%3 to %4)").arg(path, value, min, max));
}

void throwNotAnInteger(const QString &path, double value)
{
    throw jsonError(QRustBridgeTr::tr("%1: expected an integer, got %2").arg(path, formatNumber(value)));
}

void throwBadText(const QString &path, const QString &text, TextKind kind)
{
    QString message;
    switch (kind) {
    case TextKind::Url:
        message = QRustBridgeTr::tr("%1: \"%2\" is not a valid URL");
        break;
    case TextKind::Uuid:
        message = QRustBridgeTr::tr("%1: \"%2\" is not a UUID");
        break;
    case TextKind::DateTime:
        message = QRustBridgeTr::tr("%1: \"%2\" is not an ISO 8601 date and time");
        break;
    case TextKind::Date:
        message = QRustBridgeTr::tr("%1: \"%2\" is not an ISO 8601 date");
        break;
    case TextKind::Time:
        message = QRustBridgeTr::tr("%1: \"%2\" is not an ISO 8601 time");
        break;
    }
    throw jsonError(message.arg(path, text));
}

namespace {

// --- Runtime conversion by QMetaType, for Q_GADGET properties -------------
// Every function works on raw storage: `value` points to an object of `type`.

QJsonValue toJsonDynamic(QMetaType type, const void *value, const QString &path);
void fromJsonDynamic(QMetaType type, void *value, const QJsonValue &json, const QString &path);

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
const void *variantStorage(QMetaType declared, const QVariant &value)
{
    return declared == QMetaType::fromType<QVariant>() ? static_cast<const void *>(&value) : value.constData();
}

[[noreturn]] void throwNoConversion(const QString &path, QMetaType type)
{
    throw jsonError(QRustBridgeTr::tr("%1: the type %2 has no JSON conversion")
                        .arg(path, QString::fromLatin1(type.name())));
}

// Q_ENUM types: name lookup through the enclosing meta-object.
QMetaEnum metaEnum(QMetaType type)
{
    const QMetaObject *metaObject = type.metaObject();
    if (!metaObject)
        return QMetaEnum();
    QByteArray name = type.name();
    name = name.mid(name.lastIndexOf(':') + 1);
    const int index = metaObject->indexOfEnumerator(name.constData());
    return index < 0 ? QMetaEnum() : metaObject->enumerator(index);
}

// Q_ENUM: an enumerator name or value; other enums: any integer in range.
template <typename Underlying>
qint64 enumFromJsonAs(QMetaType type, const QJsonValue &json, const QString &path)
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
        throw jsonError(QRustBridgeTr::tr("%1: expected an enumerator name, got %2")
                            .arg(path, jsonTypeName(json)));
    }
    QStringList keys;
    for (int i = 0; i < meta.keyCount(); ++i)
        keys.append(QString::fromLatin1(meta.key(i)));
    throw jsonError(QRustBridgeTr::tr("%1: %2 is not one of %3")
                        .arg(path, got, keys.join(QStringLiteral(", "))));
}

// An enum's storage by size and signedness (what its underlying type is).
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

bool sequenceToJson(QMetaType type, const void *value, const QString &path, QJsonValue &out)
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

bool sequenceFromJson(QMetaType type, void *value, const QJsonValue &json, const QString &path)
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

bool stringMapToJson(QMetaType type, const void *value, const QString &path, QJsonValue &out)
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

bool stringMapFromJson(QMetaType type, void *value, const QJsonValue &json, const QString &path)
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
QJsonValue toJsonDynamic(QMetaType type, const void *value, const QString &path)
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

void fromJsonDynamic(QMetaType type, void *value, const QJsonValue &json, const QString &path)
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
            throw jsonError(QRustBridgeTr::tr("%1: %2 does not convert to %3")
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
            *static_cast<T *>(value) = T(enumFromJsonAs<T>(type, json, path));
        });
        return;
    }
    if (sequenceFromJson(type, value, json, path) || stringMapFromJson(type, value, json, path))
        return;
    throwNoConversion(path, type);
}

} // namespace

QJsonValue enumToJson(QMetaType type, qint64 value)
{
    const QMetaEnum meta = metaEnum(type);
    if (meta.isValid() && fitsIn<int>(value)) {
        if (const char *key = meta.valueToKey(int(value)))
            return QString::fromLatin1(key);
    }
    return QJsonValue(value);
}

qint64 enumFromJson(QMetaType type, const QJsonValue &json, const QString &path)
{
    qint64 result = 0;
    visitEnumStorage(type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        result = enumFromJsonAs<T>(type, json, path);
    });
    return result;
}

QJsonValue gadgetToJson(const QMetaObject *metaObject, const void *gadget, const QString &path)
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

void gadgetFromJson(const QMetaObject *metaObject, void *gadget, const QJsonValue &json, const QString &path)
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
        if (it == object.constEnd() && !acceptsMissing)
            throw jsonError(QRustBridgeTr::tr("%1: required field is missing").arg(keyPath));
        const QJsonValue member = it == object.constEnd() ? QJsonValue(QJsonValue::Undefined) : it.value();
        QVariant value = type == QMetaType::fromType<QVariant>() ? QVariant() : QVariant(type);
        fromJsonDynamic(type, type == QMetaType::fromType<QVariant>() ? static_cast<void *>(&value) : value.data(),
                        member, keyPath);
        property.writeOnGadget(gadget, value);
    }
}

} // namespace detail
} // namespace QRustTyped

QJsonValue QRustJsonConverter<QUrl>::toJson(const QUrl &value)
{
    return value.toString(QUrl::FullyEncoded);
}

QUrl QRustJsonConverter<QUrl>::fromJson(const QJsonValue &json, const QString &path)
{
    const QString text = QRustJsonConverter<QString>::fromJson(json, path);
    const QUrl url(text, QUrl::StrictMode);
    if (!text.isEmpty() && !url.isValid())
        QRustTyped::detail::throwBadText(path, text, QRustTyped::detail::TextKind::Url);
    return url;
}

QJsonValue QRustJsonConverter<QUuid>::toJson(const QUuid &value)
{
    return value.toString(QUuid::WithoutBraces);
}

QUuid QRustJsonConverter<QUuid>::fromJson(const QJsonValue &json, const QString &path)
{
    const QString text = QRustJsonConverter<QString>::fromJson(json, path);
    const QUuid uuid = QUuid::fromString(text);
    if (uuid.isNull() && QUuid().toString(QUuid::WithoutBraces) != text && QUuid().toString() != text)
        QRustTyped::detail::throwBadText(path, text, QRustTyped::detail::TextKind::Uuid);
    return uuid;
}
