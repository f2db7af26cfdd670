#include "typeorder.h"

#include <QtCore/QHash>
#include <QtCore/QStringList>

#include <functional>

void TypeOrder::collectRefs(const TypeRef &type, bool indirect, QList<Dependency> &refs)
{
    if (type.kind == TypeRef::Kind::Ref)
        refs.append({type.name, indirect});
    if (type.kind == TypeRef::Kind::Tuple)
        return; // a QJsonArray: holds nothing generated
    const bool heap = indirect || type.kind == TypeRef::Kind::List || type.kind == TypeRef::Kind::Map;
    for (const TypeRef &arg : type.args)
        collectRefs(arg, heap, refs);
}

QList<TypeOrder::Dependency> TypeOrder::dependencies(const TypeDef &type)
{
    QList<Dependency> refs;
    for (const Field &field : type.fields)
        collectRefs(field.type, false, refs);
    for (const Variant &variant : type.variants) {
        if (variant.shape != Variant::Shape::Unit)
            collectRefs(variant.type, false, refs);
    }
    return refs;
}

std::optional<QList<const TypeDef *>> TypeOrder::order(const Description &description, QString *error)
{
    enum class State { New, Visiting, Done };
    QHash<QString, State> state;
    QList<const TypeDef *> ordered;
    QStringList stack;        // the types being visited
    QList<bool> indirectEdge; // indirectEdge[i]: stack[i] -> stack[i + 1] goes through a list or map

    // Depth first; false on a by-value cycle.
    std::function<bool(const TypeDef &)> visit = [&](const TypeDef &type) {
        const State current = state.value(type.name, State::New);
        if (current == State::Done)
            return true;
        if (current == State::Visiting) {
            const qsizetype from = stack.indexOf(type.name);
            if (indirectEdge.mid(from).contains(true))
                return true; // Vec<Self>: fine, cut here
            if (error) {
                const QStringList cycle = stack.mid(from) << type.name;
                *error = QStringLiteral("type %1 contains itself (%2); C++ value types cannot, "
                                        "use a list or a map for the recursive member")
                             .arg(type.name, cycle.join(QLatin1String(" -> ")));
            }
            return false;
        }
        state.insert(type.name, State::Visiting);
        stack.append(type.name);
        for (const Dependency &dependency : dependencies(type)) {
            const TypeDef *target = description.findType(dependency.name);
            if (!target)
                continue;
            indirectEdge.append(dependency.indirect);
            const bool ok = visit(*target);
            indirectEdge.removeLast();
            if (!ok)
                return false;
        }
        stack.removeLast();
        state.insert(type.name, State::Done);
        ordered.append(&type);
        return true;
    };
    for (const TypeDef &type : description.types) {
        if (!visit(type))
            return std::nullopt;
    }
    return ordered;
}
