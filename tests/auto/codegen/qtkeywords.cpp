// Compiled without QT_NO_KEYWORDS (see CMakeLists.txt): with Qt's
// `signals`, `slots`, `emit` and `foreach` macros defined, the header
// generated from descriptions/shapes.json (a struct with fields called
// signals, emit, foreach, Q_OBJECT; a command called signals) still compiles.
#include "shapes_commands.h"

#ifndef emit
#error "this file must be compiled with Qt's keywords (no QT_NO_KEYWORDS)"
#endif

int useGeneratedNames()
{
    Shapes::Keywords keywords;
    keywords.signals_ = 1;
    keywords.emit_ = 2;
    keywords.foreach_ = 3;
    keywords.qObject = 4;
    return keywords.signals_ + keywords.emit_ + keywords.foreach_ + keywords.qObject
           + int(sizeof(Shapes::Signals::method));
}
