#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

#include <vector>

// The self-description of a backend (docs/contract.md), as read from JSON,
// plus the C++ names the generator picks for it (the cpp* members, filled
// in by NameAssigner; empty until then).

// A type reference: a primitive ("bool", "string", "i32", "json", "null"...),
// {"option": T}, {"list": T}, {"map": T}, {"tuple": [T...]} or {"ref": "Name"}.
struct TypeRef
{
    enum class Kind { Primitive, Option, List, Map, Tuple, Ref };
    Kind kind = Kind::Primitive;
    QString name;               // Primitive: the primitive; Ref: the referenced type
    std::vector<TypeRef> args;  // Option/List/Map: one element; Tuple: the items
};

struct Field
{
    QString name; // the JSON key
    TypeRef type;
    bool optional = false;
    QString doc;
    QString cppName;
};

struct Variant
{
    enum class Shape { Unit, Newtype, Struct };
    QString name; // the JSON name
    QString doc;
    Shape shape = Shape::Unit;
    TypeRef type;         // Newtype: the payload; Struct: a Ref to the generated payload type
    QList<Field> fields;  // Struct only
    QString cppEnumerator; // in the enum (unit enums) or the union's Kind enum
    QString cppMember;     // unions: the optional payload member (not for unit variants)
};

struct TypeDef
{
    enum class Kind { Struct, Enum, Union };
    QString name; // the Rust identifier (unique key of the description)
    Kind kind = Kind::Struct;
    QString doc;
    QList<Field> fields;     // Struct
    QList<Variant> variants; // Enum, Union
    QString tag;             // Union: internally/adjacently tagged
    QString content;         // Union: adjacently tagged
    bool untagged = false;   // Union
    QString cppName;
};

struct Command
{
    QString name; // the method
    bool streaming = false;
    QString doc;
    TypeRef params;
    TypeRef result;
    TypeRef chunk; // streaming only
    QString cppName; // the command struct
    QString qmlName; // the QML client's method
};

struct Description
{
    int version = 0;
    QString schema;
    QString backend;
    QList<Command> commands;
    QList<TypeDef> types;

    const TypeDef *findType(const QString &name) const
    {
        for (const TypeDef &type : types) {
            if (type.name == name)
                return &type;
        }
        return nullptr;
    }
};
