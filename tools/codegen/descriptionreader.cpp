#include "descriptionreader.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

namespace {

const QSet<QString> &primitives()
{
    static const QSet<QString> names = {
        QStringLiteral("bool"), QStringLiteral("string"), QStringLiteral("i8"),  QStringLiteral("i16"),
        QStringLiteral("i32"),  QStringLiteral("i64"),    QStringLiteral("u8"),  QStringLiteral("u16"),
        QStringLiteral("u32"),  QStringLiteral("u64"),    QStringLiteral("f32"), QStringLiteral("f64"),
        QStringLiteral("json"), QStringLiteral("null"),
    };
    return names;
}

QString memberPath(const QString &path, const QString &key)
{
    return path + QLatin1Char('.') + key;
}

QString indexPath(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace

std::optional<Description> DescriptionReader::read(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return std::nullopt;
    }
    try {
        m_refs.clear();
        m_description = Description();
        return readDescription(document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array()));
    } catch (const Failure &failure) {
        if (error)
            *error = failure.message;
        return std::nullopt;
    }
}

void DescriptionReader::fail(const QString &path, const QString &message)
{
    throw Failure{path + QLatin1String(": ") + message};
}

QJsonObject DescriptionReader::object(const QJsonValue &json, const QString &path)
{
    if (!json.isObject())
        fail(path, QStringLiteral("expected an object"));
    return json.toObject();
}

QJsonValue DescriptionReader::member(const QJsonObject &object, const QString &key, const QString &path)
{
    const auto it = object.constFind(key);
    if (it == object.constEnd())
        fail(path, QStringLiteral("missing member %1").arg(quoted(key)));
    return *it;
}

QString DescriptionReader::string(const QJsonObject &object, const QString &key, const QString &path)
{
    const QJsonValue value = member(object, key, path);
    if (!value.isString())
        fail(memberPath(path, key), QStringLiteral("expected a string"));
    return value.toString();
}

QString DescriptionReader::optionalString(const QJsonObject &object, const QString &key, const QString &path)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        fail(memberPath(path, key), QStringLiteral("expected a string or null"));
    return value.toString();
}

Description DescriptionReader::readDescription(const QJsonValue &json)
{
    const QString root = QStringLiteral("$");
    const QJsonObject top = object(json, root);
    const QJsonValue version = member(top, QStringLiteral("qrustbridge"), root);
    if (version.toInt(-1) != 1) {
        fail(memberPath(root, QStringLiteral("qrustbridge")),
             QStringLiteral("unsupported format version %1 (this generator reads version 1)")
                 .arg(version.isDouble() ? QString::number(version.toDouble()) : QStringLiteral("(not a number)")));
    }
    m_description.version = 1;
    m_description.schema = string(top, QStringLiteral("schema"), root);
    m_description.backend = optionalString(top, QStringLiteral("backend"), root);

    const QString typesPath = memberPath(root, QStringLiteral("types"));
    const QJsonValue types = member(top, QStringLiteral("types"), root);
    if (!types.isArray())
        fail(typesPath, QStringLiteral("expected an array"));
    QSet<QString> typeNames;
    for (qsizetype i = 0; i < types.toArray().size(); ++i) {
        const QString path = indexPath(typesPath, i);
        TypeDef type = readType(types.toArray().at(i), path);
        if (typeNames.contains(type.name))
            fail(memberPath(path, QStringLiteral("name")), QStringLiteral("type %1 is described twice").arg(quoted(type.name)));
        typeNames.insert(type.name);
        m_description.types.append(type);
    }

    const QString commandsPath = memberPath(root, QStringLiteral("commands"));
    const QJsonValue commands = member(top, QStringLiteral("commands"), root);
    if (!commands.isArray())
        fail(commandsPath, QStringLiteral("expected an array"));
    QSet<QString> commandNames;
    for (qsizetype i = 0; i < commands.toArray().size(); ++i) {
        const QString path = indexPath(commandsPath, i);
        Command command = readCommand(commands.toArray().at(i), path);
        if (commandNames.contains(command.name))
            fail(memberPath(path, QStringLiteral("name")), QStringLiteral("command %1 is described twice").arg(quoted(command.name)));
        commandNames.insert(command.name);
        m_description.commands.append(command);
    }

    for (const auto &[name, path] : std::as_const(m_refs)) {
        if (!typeNames.contains(name))
            fail(path, QStringLiteral("refers to type %1, which the description does not define").arg(quoted(name)));
    }
    return m_description;
}

Command DescriptionReader::readCommand(const QJsonValue &json, const QString &path)
{
    const QJsonObject object = this->object(json, path);
    Command command;
    command.name = string(object, QStringLiteral("name"), path);
    if (command.name.isEmpty())
        fail(memberPath(path, QStringLiteral("name")), QStringLiteral("a command needs a name"));
    const QString kind = string(object, QStringLiteral("kind"), path);
    if (kind == QLatin1String("stream"))
        command.streaming = true;
    else if (kind != QLatin1String("call"))
        fail(memberPath(path, QStringLiteral("kind")), QStringLiteral("unknown command kind %1 (expected \"call\" or \"stream\")").arg(quoted(kind)));
    command.doc = optionalString(object, QStringLiteral("doc"), path);
    command.params = readTypeRef(member(object, QStringLiteral("params"), path), memberPath(path, QStringLiteral("params")));
    command.result = readTypeRef(member(object, QStringLiteral("result"), path), memberPath(path, QStringLiteral("result")));
    if (command.streaming)
        command.chunk = readTypeRef(member(object, QStringLiteral("chunk"), path), memberPath(path, QStringLiteral("chunk")));
    return command;
}

TypeDef DescriptionReader::readType(const QJsonValue &json, const QString &path)
{
    const QJsonObject object = this->object(json, path);
    TypeDef type;
    type.name = string(object, QStringLiteral("name"), path);
    if (type.name.isEmpty())
        fail(memberPath(path, QStringLiteral("name")), QStringLiteral("a type needs a name"));
    type.doc = optionalString(object, QStringLiteral("doc"), path);
    const QString kind = string(object, QStringLiteral("kind"), path);
    if (kind == QLatin1String("struct")) {
        type.kind = TypeDef::Kind::Struct;
        type.fields = readFields(member(object, QStringLiteral("fields"), path), memberPath(path, QStringLiteral("fields")));
        return type;
    }
    if (kind != QLatin1String("enum") && kind != QLatin1String("union")) {
        fail(memberPath(path, QStringLiteral("kind")),
             QStringLiteral("unknown type kind %1 (expected \"struct\", \"enum\" or \"union\")").arg(quoted(kind)));
    }
    type.kind = kind == QLatin1String("enum") ? TypeDef::Kind::Enum : TypeDef::Kind::Union;
    const QString variantsPath = memberPath(path, QStringLiteral("variants"));
    const QJsonValue variants = member(object, QStringLiteral("variants"), path);
    if (!variants.isArray())
        fail(variantsPath, QStringLiteral("expected an array"));
    if (variants.toArray().isEmpty())
        fail(variantsPath, QStringLiteral("an enum needs at least one variant"));
    QSet<QString> seen;
    for (qsizetype i = 0; i < variants.toArray().size(); ++i) {
        const QString variantPath = indexPath(variantsPath, i);
        Variant variant = readVariant(variants.toArray().at(i), variantPath);
        if (type.kind == TypeDef::Kind::Enum && variant.shape != Variant::Shape::Unit)
            fail(variantPath, QStringLiteral("an \"enum\" has only unit variants (one with data makes it a \"union\")"));
        if (seen.contains(variant.name))
            fail(memberPath(variantPath, QStringLiteral("name")), QStringLiteral("variant %1 is described twice").arg(quoted(variant.name)));
        seen.insert(variant.name);
        type.variants.append(variant);
    }
    if (type.kind == TypeDef::Kind::Union) {
        type.tag = optionalString(object, QStringLiteral("tag"), path);
        type.content = optionalString(object, QStringLiteral("content"), path);
        type.untagged = object.value(QStringLiteral("untagged")).toBool(false);
        if (!type.content.isEmpty() && type.tag.isEmpty())
            fail(memberPath(path, QStringLiteral("content")), QStringLiteral("\"content\" needs a \"tag\""));
        if (type.untagged && !type.tag.isEmpty())
            fail(memberPath(path, QStringLiteral("untagged")), QStringLiteral("an untagged union has no \"tag\""));
    }
    return type;
}

QList<Field> DescriptionReader::readFields(const QJsonValue &json, const QString &path)
{
    if (!json.isArray())
        fail(path, QStringLiteral("expected an array"));
    QList<Field> fields;
    QSet<QString> seen;
    const QJsonArray array = json.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString fieldPath = indexPath(path, i);
        const QJsonObject object = this->object(array.at(i), fieldPath);
        Field field;
        field.name = string(object, QStringLiteral("name"), fieldPath);
        if (seen.contains(field.name))
            fail(memberPath(fieldPath, QStringLiteral("name")), QStringLiteral("field %1 is described twice").arg(quoted(field.name)));
        seen.insert(field.name);
        field.type = readTypeRef(member(object, QStringLiteral("type"), fieldPath), memberPath(fieldPath, QStringLiteral("type")));
        const QJsonValue optional = object.value(QStringLiteral("optional"));
        if (!optional.isUndefined() && !optional.isBool())
            fail(memberPath(fieldPath, QStringLiteral("optional")), QStringLiteral("expected true or false"));
        field.optional = optional.toBool(false);
        field.doc = optionalString(object, QStringLiteral("doc"), fieldPath);
        fields.append(field);
    }
    return fields;
}

Variant DescriptionReader::readVariant(const QJsonValue &json, const QString &path)
{
    const QJsonObject object = this->object(json, path);
    Variant variant;
    variant.name = string(object, QStringLiteral("name"), path);
    variant.doc = optionalString(object, QStringLiteral("doc"), path);
    const bool hasFields = object.contains(QStringLiteral("fields"));
    const bool hasType = object.contains(QStringLiteral("type"));
    if (hasFields && hasType)
        fail(path, QStringLiteral("a variant has \"fields\" or \"type\", not both"));
    if (hasFields) {
        variant.shape = Variant::Shape::Struct;
        variant.fields = readFields(object.value(QStringLiteral("fields")), memberPath(path, QStringLiteral("fields")));
    } else if (hasType) {
        variant.shape = Variant::Shape::Newtype;
        variant.type = readTypeRef(object.value(QStringLiteral("type")), memberPath(path, QStringLiteral("type")));
    }
    return variant;
}

TypeRef DescriptionReader::readTypeRef(const QJsonValue &json, const QString &path)
{
    TypeRef type;
    if (json.isString()) {
        type.name = json.toString();
        if (!primitives().contains(type.name))
            fail(path, QStringLiteral("unknown type %1").arg(quoted(type.name)));
        return type;
    }
    if (!json.isObject())
        fail(path, QStringLiteral("expected a type: a string like \"i32\" or an object like {\"list\": ...}"));
    const QJsonObject object = json.toObject();
    if (object.size() != 1) {
        fail(path, QStringLiteral("a type object has exactly one member (option, list, map, tuple or ref), this one has %1")
                       .arg(object.size()));
    }
    const QString key = object.begin().key();
    const QJsonValue value = object.begin().value();
    const QString valuePath = memberPath(path, key);
    if (key == QLatin1String("option") || key == QLatin1String("list") || key == QLatin1String("map")) {
        type.kind = key == QLatin1String("option") ? TypeRef::Kind::Option
                    : key == QLatin1String("list") ? TypeRef::Kind::List
                                                   : TypeRef::Kind::Map;
        type.args.push_back(readTypeRef(value, valuePath));
    } else if (key == QLatin1String("tuple")) {
        type.kind = TypeRef::Kind::Tuple;
        if (!value.isArray())
            fail(valuePath, QStringLiteral("expected an array of types"));
        for (qsizetype i = 0; i < value.toArray().size(); ++i)
            type.args.push_back(readTypeRef(value.toArray().at(i), indexPath(valuePath, i)));
    } else if (key == QLatin1String("ref")) {
        type.kind = TypeRef::Kind::Ref;
        if (!value.isString() || value.toString().isEmpty())
            fail(valuePath, QStringLiteral("expected a type name"));
        type.name = value.toString();
        m_refs.append({type.name, path});
    } else {
        fail(path, QStringLiteral("unknown type constructor %1 (expected option, list, map, tuple or ref)").arg(quoted(key)));
    }
    return type;
}
