#pragma once

#include <QtCore/QString>

// Text from the description turned into C++ source text: string literals
// that survive any character, and doc comments that cannot end early.
class CppLiteral
{
public:
    // "text" with escapes; non-ASCII as \u/\U escapes (UTF-8 in a narrow literal).
    static QString string(const QString &text);
    // QStringLiteral("text").
    static QString qstring(const QString &text);
    // A /*! ... */ block indented by `indent`, or "" for an empty doc.
    static QString docComment(const QString &doc, const QString &indent);
};
