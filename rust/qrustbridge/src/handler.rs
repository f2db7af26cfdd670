//! How registered handlers are stored and called.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::context::Context;
use crate::error::Error;
use crate::responder::Responder;
use crate::wire;

/// What every handler produces: the complete response line (results are
/// serialized where the handler knows their type), or the error.
pub(crate) type Reply = Result<Vec<u8>, Error>;

/// The future of an async handler, boxed.
pub(crate) type BoxReply = Pin<Box<dyn Future<Output = Reply> + Send + 'static>>;

pub(crate) type SyncFn = dyn Fn(Value, &Context) -> Reply + Send + Sync + 'static;
pub(crate) type AsyncFn = dyn Fn(Value, Context) -> BoxReply + Send + Sync + 'static;
pub(crate) type DeferredFn = dyn Fn(Value, Responder) + Send + Sync + 'static;

/// How a handler runs.
pub(crate) enum Run {
    /// On the blocking pool, one thread per running call.
    Blocking(Box<SyncFn>),
    /// As a task on the runtime's workers.
    Async(Box<AsyncFn>),
    /// On the blocking pool, answering through a [`Responder`] whenever
    /// it likes.
    Deferred(Box<DeferredFn>),
}

/// A registered method.
pub(crate) struct Handler {
    pub name: Arc<str>,
    /// Only streaming handlers may send chunks.
    pub streaming: bool,
    pub run: Run,
}

/// Deserializes typed params. Absent or `null` params are tried as `null`
/// and then as `{}`, so a struct whose fields all have defaults needs none.
pub(crate) fn deserialize_params<P: DeserializeOwned>(params: Value) -> Result<P, Error> {
    let was_null = params.is_null();
    match serde_json::from_value::<P>(params) {
        Ok(p) => Ok(p),
        Err(e) => {
            if was_null {
                if let Ok(p) = serde_json::from_value::<P>(Value::Object(Default::default())) {
                    return Ok(p);
                }
            }
            Err(Error::new(format!("invalid params: {}", e)))
        }
    }
}

/// The response line of a typed result, serialized straight from `R`.
pub(crate) fn result_line<R: Serialize + ?Sized>(id: &str, result: &R) -> Reply {
    wire::typed_ok_line(id, result).map_err(|e| Error::new(format!("cannot serialize result: {}", e)))
}

/// Wraps a synchronous handler with typed params and result.
pub(crate) fn typed_sync<P, R, F>(f: F) -> Box<SyncFn>
where
    P: DeserializeOwned,
    R: Serialize,
    F: Fn(P, &Context) -> Result<R, Error> + Send + Sync + 'static,
{
    Box::new(move |params: Value, ctx: &Context| -> Reply { result_line(ctx.id(), &f(deserialize_params(params)?, ctx)?) })
}

/// Wraps an async handler with typed params and result.
pub(crate) fn typed_async<P, R, F, Fut>(f: F) -> Box<AsyncFn>
where
    P: DeserializeOwned,
    R: Serialize,
    F: Fn(P, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, Error>> + Send + 'static,
{
    Box::new(move |params: Value, ctx: Context| -> BoxReply {
        let id = ctx.shared_id();
        let fut = match deserialize_params::<P>(params) {
            Ok(typed) => f(typed, ctx),
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        Box::pin(async move { result_line(&id, &fut.await?) })
    })
}
