#include "qrustjsconverter.h"

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
    return QCoreApplication::translate("QRustJsConverter", text);
}

QJsonValue numberToJson(double number)
{
    if (!std::isfinite(number))
        return QJsonValue(QJsonValue::Null);
    // -0 becomes 0, as in JSON.stringify (QJsonValue could not keep the sign anyway).
    const bool integral = std::trunc(number) == number && std::fabs(number) <= maxSafeInteger;
    return integral ? QJsonValue(qint64(number)) : QJsonValue(number);
}

// Values that are not plain JavaScript data: QObjects, value types, C++ sequences.
bool isForeign(const QJSValue &value)
{
    if (value.isQObject() || value.isVariant() || value.isUrl() || value.isQMetaObject())
        return true;
    if (value.isArray() || !value.isObject())
        return false;
    // C++ sequences (e.g. a QStringList property) are objects with a length
    // but not Arrays; toVariant() reveals them as a list.
    if (!value.hasProperty(QStringLiteral("length")))
        return false;
    const QMetaType type = value.toVariant().metaType();
    return type != QMetaType::fromType<QVariantMap>() && type != QMetaType::fromType<QJSValue>();
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
        if (isForeign(value))
            return QJsonValue::fromVariant(value.toVariant());
        if (!value.isObject())
            return QJsonValue(QJsonValue::Undefined);  // e.g. a Symbol
        return convertContainer(value);
    }

private:
    std::vector<QJSValue> m_ancestors;

    QJsonValue convertContainer(const QJSValue &value)
    {
        for (const QJSValue &ancestor : m_ancestors) {
            if (ancestor.strictlyEquals(value)) {
                error = tr("cannot convert a cyclic structure to JSON");
                return QJsonValue(QJsonValue::Undefined);
            }
        }
        if (int(m_ancestors.size()) >= QRustJsConverter::maxDepth()) {
            error = tr("nesting is deeper than %1 levels").arg(QRustJsConverter::maxDepth());
            return QJsonValue(QJsonValue::Undefined);
        }
        m_ancestors.push_back(value);
        const QJsonValue result = value.isArray() ? QJsonValue(convertArray(value))
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
            if (!member.isUndefined())
                out.insert(it.name(), member);
        }
        return out;
    }
};

} // namespace

QJSValue QRustJsConverter::toJs(QJSEngine *engine, const QJsonValue &value)
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
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QJSValue out = engine->newArray(uint(array.size()));
        for (qsizetype i = 0; i < array.size(); ++i)
            out.setProperty(quint32(i), toJs(engine, array.at(i)));
        return out;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        QJSValue out = engine->newObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            out.setProperty(it.key(), toJs(engine, it.value()));
        return out;
    }
    case QJsonValue::Undefined:
        break;
    }
    return QJSValue(QJSValue::UndefinedValue);
}

QJsonValue QRustJsConverter::toJson(const QJSValue &value, QString *error)
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
