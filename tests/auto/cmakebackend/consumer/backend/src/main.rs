use qrustbridge::{Describe, Server};
use serde::{Deserialize, Serialize};

/// A note to save.
#[derive(Deserialize, Describe)]
struct Note {
    title: String,
    tags: Vec<String>,
}

#[derive(Serialize, Describe)]
struct Saved {
    id: u64,
    summary: String,
}

fn main() -> std::io::Result<()> {
    Server::new()
        .typed_handler("save", |note: Note, _ctx| {
            Ok(Saved { id: 7, summary: format!("{} [{}]", note.title, note.tags.join(", ")) })
        })
        .serve_stdio()
}
