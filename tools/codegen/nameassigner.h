#pragma once

#include "description.h"

// Gives everything in a Description its C++ name (the cpp* members) by
// NamingPolicy, resolving clashes per scope with IdentifierScope, in
// description order. Also turns each struct variant of a union into a
// struct type of its own (named <Union><Variant>, JSON name
// "<Union>::<variant>"), which the variant then refers to: the header
// writer only ever sees structs, enums, unions and references.
class NameAssigner
{
public:
    // Names the namespace holds besides the types and commands.
    static QStringList namespaceNames();
    // Names the generated QML client class holds besides the commands.
    static QStringList clientNames();
    // Type names the generated code uses, which no generated name may hide.
    static QStringList usedTypeNames();

    void assign(Description &description) const;

private:
    static void nameFields(QList<Field> &fields, const QStringList &taken);
};
