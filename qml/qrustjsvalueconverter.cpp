#include "qrustjsvalueconverter.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QVariant>
#include <QtQml/QJSEngine>
#include <QtQml/QJSValueIterator>

#include <cmath>
#include <vector>

namespace {

// 2^53: the largest range in which every integer is an exact double.
constexpr double maxSafeInteger = 9007199254740992.0;

QString tr(const char *text)
{
    return QCoreApplication::translate("QRustJSValueConverter", text);
}

QJsonValue numberToJson(double number)
{
    if (!std::isfinite(number))
        return QJsonValue(QJsonValue::Null);
    // -0 becomes 0, as in JSON.stringify (QJsonValue could not keep the sign anyway).
    const bool integral = std::trunc(number) == number && std::fabs(number) <= maxSafeInteger;
    return integral ? QJsonValue(qint64(number)) : QJsonValue(number);
}

// What a JavaScript object stands for, once numbers, strings and the like are out.
enum class ObjectKind {
    Data,      // a JavaScript object: its members, as JSON.stringify does
    Sequence,  // a C++ sequence (QStringList, QList<int>, and on Qt >= 6.5 also a
               // QVariantList, which Qt 6.4 turns into a real Array): element by element
    CppValue,  // a C++ value without members of its own (a QColor, a URL from
               // Qt.resolvedUrl()) or a QObject: QJsonValue::fromVariant()
};

// Qt 6.8 deprecates QJSValue::isVariant(); it caught exactly the C++ values the
// engine wraps without members, which is what the member check below finds on
// both versions. Value types with members (point, rect, Q_GADGETs) keep being
// converted member by member.
ObjectKind objectKind(const QJSValue &value)
{
    if (value.isQObject() || value.isUrl() || value.isQMetaObject())
        return ObjectKind::CppValue;
    const QVariant retained = value.toVariant(QJSValue::RetainJSObjects);
    const QMetaType type = retained.metaType();
    // Plain JavaScript objects stay QJSValues; an ArrayBuffer (a QByteArray) is
    // JavaScript data too, which JSON.stringify writes as {}.
    if (type == QMetaType::fromType<QJSValue>() || type == QMetaType::fromType<QByteArray>())
        return ObjectKind::Data;
    if (value.hasProperty(QStringLiteral("length")))
        return ObjectKind::Sequence;
    return QJSValueIterator(value).hasNext() ? ObjectKind::Data : ObjectKind::CppValue;
}

class Converter
{
public:
    QString error;

    // Undefined result means "skip" (object member) or "null" (array element, top level).
    QJsonValue convert(const QJSValue &input, bool applyToJson)
    {
        if (!error.isEmpty())
            return QJsonValue(QJsonValue::Undefined);
        QJSValue value = input;
        if (applyToJson && value.isObject() && !value.isCallable()) {
            const QJSValue toJson = value.property(QStringLiteral("toJSON"));
            if (toJson.isCallable()) {
                value = toJson.callWithInstance(value);
                if (value.isError()) {
                    error = tr("toJSON() threw: %1").arg(value.toString());
                    return QJsonValue(QJsonValue::Undefined);
                }
            }
        }
        if (value.isUndefined() || value.isCallable())
            return QJsonValue(QJsonValue::Undefined);
        if (value.isNull())
            return QJsonValue(QJsonValue::Null);
        if (value.isBool())
            return QJsonValue(value.toBool());
        if (value.isNumber())
            return numberToJson(value.toNumber());
        if (value.isString())
            return QJsonValue(value.toString());
        if (!value.isObject())
            return QJsonValue(QJsonValue::Undefined);  // e.g. a Symbol
        if (value.isArray())
            return convertContainer(value, true);
        switch (objectKind(value)) {
        case ObjectKind::CppValue:
            return QJsonValue::fromVariant(value.toVariant());
        case ObjectKind::Sequence:
            return convertContainer(value, true);
        case ObjectKind::Data:
            break;
        }
        return convertContainer(value, false);
    }

private:
    std::vector<QJSValue> m_ancestors;

    QJsonValue convertContainer(const QJSValue &value, bool indexed)
    {
        for (const QJSValue &ancestor : m_ancestors) {
            if (ancestor.strictlyEquals(value)) {
                error = tr("cannot convert a cyclic structure to JSON");
                return QJsonValue(QJsonValue::Undefined);
            }
        }
        if (int(m_ancestors.size()) >= QRustJSValueConverter::maxDepth()) {
            error = tr("nesting is deeper than %1 levels").arg(QRustJSValueConverter::maxDepth());
            return QJsonValue(QJsonValue::Undefined);
        }
        m_ancestors.push_back(value);
        const QJsonValue result = indexed ? QJsonValue(convertArray(value))
                                          : QJsonValue(convertObject(value));
        m_ancestors.pop_back();
        return result;
    }

    QJsonArray convertArray(const QJSValue &array)
    {
        QJsonArray out;
        const quint32 length = array.property(QStringLiteral("length")).toUInt();
        for (quint32 i = 0; i < length && error.isEmpty(); ++i) {
            const QJsonValue element = convert(array.property(i), true);
            out.append(element.isUndefined() ? QJsonValue(QJsonValue::Null) : element);
        }
        return out;
    }

    QJsonObject convertObject(const QJSValue &object)
    {
        QJsonObject out;
        QJSValueIterator it(object);
        while (it.hasNext() && error.isEmpty()) {
            it.next();
            const QJsonValue member = convert(it.value(), true);
            if (member.isUndefined())
                continue;
            // QJSValueIterator names the empty key "" with a null QString. Qt 6.8's
            // QJsonObject dereferences a null key's data once the object holds a
            // key stored as UTF-16 (any non-Latin-1 key): SIGSEGV in insert().
            // Qt 6.4 copes; an empty non-null key works on both.
            QString name = it.name();
            if (name.isNull())
                name = QStringLiteral("");
            out.insert(name, member);
        }
        return out;
    }
};

} // namespace

QJSValue QRustJSValueConverter::toJs(QJSEngine *engine, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QJSValue(QJSValue::NullValue);
    case QJsonValue::Bool:
        return QJSValue(value.toBool());
    case QJsonValue::Double:
        return QJSValue(value.toDouble());
    case QJsonValue::String:
        return QJSValue(value.toString());
    case QJsonValue::Array:
    case QJsonValue::Object:
        // The engine's own JSON conversion builds the whole tree inside the
        // JavaScript heap: no QJSValue (a persistent handle) per member, no
        // QVariant. Plain objects and real Arrays, as before.
        return engine->toScriptValue(value);
    case QJsonValue::Undefined:
        break;
    }
    return QJSValue(QJSValue::UndefinedValue);
}

QJsonValue QRustJSValueConverter::toJson(const QJSValue &value, QString *error)
{
    Converter converter;
    QJsonValue result = converter.convert(value, true);
    if (!converter.error.isEmpty()) {
        if (error)
            *error = converter.error;
        return QJsonValue(QJsonValue::Undefined);
    }
    if (error)
        error->clear();
    return result.isUndefined() ? QJsonValue(QJsonValue::Null) : result;
}
