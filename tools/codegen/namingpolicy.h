#pragma once

#include <QtCore/QString>

// How names from the description become C++ identifiers (docs/contract.md,
// "Naming"). JSON names stay as they are on the wire; only the C++ side is
// renamed, deterministically:
//  - words are split at '_', '-', '.', '/', '$', spaces and any other
//    character that is not an ASCII letter or digit, and at lower-to-upper
//    case changes; camelCase() joins them for members and QML methods,
//    pascalCase() for enumerators, command structs and payload types;
//  - an identifier that starts with a digit gets a leading '_';
//  - one that is a C++ keyword, a Qt macro or keyword (signals, emit,
//    foreach, Q_OBJECT...), a common C macro, or a name the generated code
//    itself uses (staticMetaObject...) gets a trailing '_';
//  - nothing left (a name of only punctuation) becomes "unnamed".
// Clashes between names in one scope are IdentifierScope's business.
class NamingPolicy
{
public:
    static QString camelCase(const QString &name);
    static QString pascalCase(const QString &name);
    // `name` itself, made a valid identifier by the rules above (type names).
    static QString identifier(const QString &name);
    static bool isReserved(const QString &identifier);

private:
    static QStringList words(const QString &name);
    static QString fixed(QString identifier);
};
