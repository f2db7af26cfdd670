//! How registered handlers are stored and called.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::Context;

/// What every handler returns: the result, or the error message.
pub(crate) type Reply = Result<Value, String>;

/// The future of an async handler, boxed.
pub(crate) type BoxReply = Pin<Box<dyn Future<Output = Reply> + Send + 'static>>;

pub(crate) type SyncFn = dyn Fn(Value, &Context) -> Reply + Send + Sync + 'static;
pub(crate) type AsyncFn = dyn Fn(Value, Context) -> BoxReply + Send + Sync + 'static;

/// How a handler runs.
pub(crate) enum Run {
    /// On the blocking pool, one thread per running call.
    Blocking(Box<SyncFn>),
    /// As a task on the runtime's workers.
    Async(Box<AsyncFn>),
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
pub(crate) fn deserialize_params<P: DeserializeOwned>(params: Value) -> Result<P, String> {
    let was_null = params.is_null();
    match serde_json::from_value::<P>(params) {
        Ok(p) => Ok(p),
        Err(e) => {
            if was_null {
                if let Ok(p) = serde_json::from_value::<P>(Value::Object(Default::default())) {
                    return Ok(p);
                }
            }
            Err(format!("invalid params: {}", e))
        }
    }
}

/// Serializes a typed result.
pub(crate) fn serialize_result<R: serde::Serialize>(result: R) -> Reply {
    serde_json::to_value(result).map_err(|e| format!("cannot serialize result: {}", e))
}
