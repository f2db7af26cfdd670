#include "nameassigner.h"

#include "identifierscope.h"
#include "namingpolicy.h"

QStringList NameAssigner::usedTypeNames()
{
    // A generated type or member with one of these names would hide the
    // type the generated code means by it.
    return {QStringLiteral("std"), QStringLiteral("uint"), QStringLiteral("qint64"), QStringLiteral("quint64"),
            QStringLiteral("QString"), QStringLiteral("QList"), QStringLiteral("QMap"), QStringLiteral("QJsonValue"),
            QStringLiteral("QJsonArray"), QStringLiteral("QJsonObject"), QStringLiteral("QObject"),
            QStringLiteral("QJSValue"), QStringLiteral("QJSEngine"), QStringLiteral("QPointer"),
            QStringLiteral("QVariant"), QStringLiteral("QRustBridge"), QStringLiteral("QRustBridgeOptions"),
            QStringLiteral("QRustBridgeError"), QStringLiteral("QRustBridgeElement"),
            QStringLiteral("QRustJSValueConverter"), QStringLiteral("QRustJsonConverter"),
            QStringLiteral("QRustCodegen"), QStringLiteral("QRustTyped")};
}

QStringList NameAssigner::namespaceNames()
{
    return QStringList{QStringLiteral("schema"), QStringLiteral("backend"), QStringLiteral("expectSchema"),
                       QStringLiteral("registerQmlTypes"), QStringLiteral("Client"), QStringLiteral("ClientConverter")}
           + usedTypeNames();
}

QStringList NameAssigner::clientNames()
{
    return {
        QStringLiteral("Client"), QStringLiteral("bridge"), QStringLiteral("setBridge"),
        QStringLiteral("bridgeChanged"), QStringLiteral("qrbResult"), QStringLiteral("qrbChunk"),
        QStringLiteral("qrbCall"), QStringLiteral("qrbReject"), QStringLiteral("m_bridge"),
        QStringLiteral("m_converter"),
        // QObject's own members, which a method must not hide
        QStringLiteral("objectName"), QStringLiteral("setObjectName"), QStringLiteral("objectNameChanged"),
        QStringLiteral("parent"), QStringLiteral("setParent"), QStringLiteral("deleteLater"),
        QStringLiteral("destroyed"), QStringLiteral("children"), QStringLiteral("findChild"),
        QStringLiteral("findChildren"), QStringLiteral("connect"), QStringLiteral("disconnect"),
        QStringLiteral("event"), QStringLiteral("eventFilter"), QStringLiteral("installEventFilter"),
        QStringLiteral("removeEventFilter"), QStringLiteral("property"), QStringLiteral("setProperty"),
        QStringLiteral("dynamicPropertyNames"), QStringLiteral("dumpObjectInfo"), QStringLiteral("dumpObjectTree"),
        QStringLiteral("thread"), QStringLiteral("moveToThread"), QStringLiteral("startTimer"),
        QStringLiteral("killTimer"), QStringLiteral("blockSignals"), QStringLiteral("signalsBlocked"),
        QStringLiteral("inherits"), QStringLiteral("isWidgetType"), QStringLiteral("isWindowType"),
        QStringLiteral("isQuickItemType"), QStringLiteral("sender"), QStringLiteral("senderSignalIndex"),
        QStringLiteral("receivers"), QStringLiteral("isSignalConnected"), QStringLiteral("timerEvent"),
        QStringLiteral("childEvent"), QStringLiteral("customEvent"), QStringLiteral("connectNotify"),
        QStringLiteral("disconnectNotify"), QStringLiteral("tr"), QStringLiteral("d_ptr"),
        QStringLiteral("bindableObjectName"), QStringLiteral("toString"), QStringLiteral("valueOf"),
        QStringLiteral("hasOwnProperty"), QStringLiteral("constructor"),
    };
}

void NameAssigner::nameFields(QList<Field> &fields, const QStringList &taken)
{
    IdentifierScope scope(taken);
    for (Field &field : fields)
        field.cppName = scope.claim(NamingPolicy::camelCase(field.name));
}

void NameAssigner::assign(Description &description) const
{
    IdentifierScope namespaceScope(namespaceNames());
    for (TypeDef &type : description.types)
        type.cppName = namespaceScope.claim(NamingPolicy::identifier(type.name));

    // Members must not hide the types the struct's later declarations name.
    QStringList memberTaken = usedTypeNames();
    for (const TypeDef &type : std::as_const(description.types))
        memberTaken.append(type.cppName);
    for (const TypeDef &type : std::as_const(description.types)) {
        for (const Variant &variant : type.variants) {
            if (variant.shape == Variant::Shape::Struct)
                memberTaken.append(type.cppName + NamingPolicy::pascalCase(variant.name));
        }
    }

    QList<TypeDef> payloadTypes;
    for (TypeDef &type : description.types) {
        if (type.kind == TypeDef::Kind::Struct) {
            nameFields(type.fields, memberTaken);
            continue;
        }
        IdentifierScope enumerators;
        // A union's members: the kind and one optional payload per variant.
        IdentifierScope members(memberTaken + QStringList{QStringLiteral("kind"), QStringLiteral("Kind")});
        for (Variant &variant : type.variants) {
            variant.cppEnumerator = enumerators.claim(NamingPolicy::pascalCase(variant.name));
            if (type.kind != TypeDef::Kind::Union || variant.shape == Variant::Shape::Unit)
                continue;
            variant.cppMember = members.claim(NamingPolicy::camelCase(variant.name));
            if (variant.shape == Variant::Shape::Struct) {
                TypeDef payload;
                payload.name = type.name + QLatin1String("::") + variant.name;
                payload.kind = TypeDef::Kind::Struct;
                payload.doc = variant.doc;
                payload.fields = variant.fields;
                payload.cppName = namespaceScope.claim(type.cppName + NamingPolicy::pascalCase(variant.name));
                nameFields(payload.fields, memberTaken + QStringList{payload.cppName});
                payloadTypes.append(payload);
                variant.type = TypeRef{TypeRef::Kind::Ref, payload.name, {}};
            }
        }
    }
    description.types.append(payloadTypes);

    IdentifierScope clientScope(clientNames());
    for (Command &command : description.commands) {
        command.cppName = namespaceScope.claim(NamingPolicy::pascalCase(command.name));
        command.qmlName = clientScope.claim(NamingPolicy::camelCase(command.name));
    }
}
