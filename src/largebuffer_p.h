#pragma once

#include <QtCore/QByteArray>

// Growing a QByteArray that may reach tens of MiB (a long line arriving, a
// big request being encoded) cheaply. Two costs dominate there, both
// measured in docs/benchmarks.md: QByteArray::append() grows by copying the
// old contents into a fresh block, and every fresh 4 KiB page costs a page
// fault when first written.
namespace LargeBuffer {

// Makes room for at least `extra` more bytes after buffer.size(): grows the
// capacity geometrically, with a quarter of slack, so the appends that
// follow do not copy again, and asks the kernel to back large new room with
// transparent huge pages, so filling 50 MiB takes 25 faults, not 12 800.
// Growing may still copy what the buffer holds (glibc's realloc remaps only
// blocks it mmap'ed itself); callers that fill one big buffer in pieces
// reserve it once (QRustLineScanner keeps blocks instead). Room that is
// reserved but never written costs address space, not memory.
void reserveForAppend(QByteArray &buffer, qsizetype extra);

} // namespace LargeBuffer
