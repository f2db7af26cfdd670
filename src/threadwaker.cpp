#include "threadwaker_p.h"

#include <QtCore/QMetaMethod>

ThreadWaker::ThreadWaker(std::function<void()> callback, QObject *parent)
    : QObject(parent)
    , m_callback(std::move(callback))
{
}

void ThreadWaker::post()
{
    // By meta-method, not by functor: a functor's slot object would be
    // written here and read on the other thread.
    static const QMetaMethod fireMethod =
        staticMetaObject.method(staticMetaObject.indexOfMethod("fire()"));
    fireMethod.invoke(this, Qt::QueuedConnection);
}

void ThreadWaker::fire()
{
    m_callback();
}
