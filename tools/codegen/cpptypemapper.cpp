#include "cpptypemapper.h"

CppTypeMapper::CppTypeMapper(const Description &description, const QString &qualifier)
    : m_description(description)
    , m_qualifier(qualifier)
{
}

QString CppTypeMapper::type(const TypeRef &ref) const
{
    switch (ref.kind) {
    case TypeRef::Kind::Primitive:
        if (ref.name == QLatin1String("bool"))
            return QStringLiteral("bool");
        if (ref.name == QLatin1String("string"))
            return QStringLiteral("QString");
        if (ref.name == QLatin1String("i8") || ref.name == QLatin1String("i16") || ref.name == QLatin1String("i32"))
            return QStringLiteral("int");
        if (ref.name == QLatin1String("u8") || ref.name == QLatin1String("u16") || ref.name == QLatin1String("u32"))
            return QStringLiteral("uint");
        if (ref.name == QLatin1String("i64"))
            return QStringLiteral("qint64");
        if (ref.name == QLatin1String("u64"))
            return QStringLiteral("quint64");
        if (ref.name == QLatin1String("f32") || ref.name == QLatin1String("f64"))
            return QStringLiteral("double");
        return QStringLiteral("QJsonValue"); // "json" and "null"
    case TypeRef::Kind::Option:
        return QStringLiteral("std::optional<%1>").arg(type(ref.args.front()));
    case TypeRef::Kind::List:
        return QStringLiteral("QList<%1>").arg(type(ref.args.front()));
    case TypeRef::Kind::Map:
        return QStringLiteral("QMap<QString, %1>").arg(type(ref.args.front()));
    case TypeRef::Kind::Tuple:
        return QStringLiteral("QJsonArray");
    case TypeRef::Kind::Ref:
        break;
    }
    const TypeDef *target = m_description.findType(ref.name);
    return m_qualifier + (target ? target->cppName : ref.name);
}

QString CppTypeMapper::optionalFieldInner(const Field &field) const
{
    return field.type.kind == TypeRef::Kind::Option ? type(field.type.args.front()) : type(field.type);
}

QString CppTypeMapper::fieldType(const Field &field) const
{
    if (field.optional)
        return QStringLiteral("std::optional<%1>").arg(optionalFieldInner(field));
    return type(field.type);
}
