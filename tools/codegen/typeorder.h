#pragma once

#include "description.h"

#include <optional>

// The order in which the header declares the types: every type after the
// types it uses (a member of type B or std::optional<B> needs B complete,
// and QList<B> needs it for the generated operator==), otherwise in
// description order. A type that holds itself by value (directly or through
// others, with no QList or QMap on the way) cannot be a C++ value type:
// order() then returns nullopt and names the cycle in `error`. Through a
// list or map it can (Vec<Self>): that cycle is just cut.
class TypeOrder
{
public:
    static std::optional<QList<const TypeDef *>> order(const Description &description, QString *error);

private:
    struct Dependency
    {
        QString name;
        bool indirect; // inside a QList or QMap
    };
    static void collectRefs(const TypeRef &type, bool indirect, QList<Dependency> &refs);
    static QList<Dependency> dependencies(const TypeDef &type);
};
