#pragma once

#include <QtCore/QObject>

#include <functional>

// A wake-up that carries no data: post() from any thread makes fire() run
// `callback` on the thread this object lives in. The data itself travels
// through IoChannel, whose mutex is what orders the two threads; the posted
// call is built and run inside QtCore, so no captured value ever crosses a
// thread (ThreadSanitizer cannot see Qt's event-queue synchronization, and
// with this shape it does not need to).
class ThreadWaker : public QObject
{
    Q_OBJECT
public:
    // `callback` is fixed for the object's life: it is set before any other
    // thread can post.
    explicit ThreadWaker(std::function<void()> callback, QObject *parent = nullptr);

    // Thread-safe; one queued call per post().
    void post();

    Q_INVOKABLE void fire();

private:
    const std::function<void()> m_callback;
};
