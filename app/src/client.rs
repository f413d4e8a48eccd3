//! The server-function client: the browser's `fetch` plus the session's CSRF token.
//!
//! Every state-changing request must carry the token bound to the session in the
//! `x-csrf-token` header. The server renders the token into `<meta name="csrf-token">`, and
//! this client copies it onto each request it sends.

use std::future::Future;

use bytes::Bytes;
use futures::{Sink, Stream};
use serde::{Serialize, de::DeserializeOwned};
use server_fn::{
    ContentType, Decodes, Encodes, Format, FormatType,
    client::{Client, browser::BrowserClient},
    codec::Post,
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};

/// Name of the header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The output encoding of every server function: JSON, as server_fn's `Json`, but read on the
/// client with `serde_json::from_str`, the reader resources hydrate with. With `Json`'s
/// `from_slice` every response type's deserializer was compiled into the client twice, once
/// per reader. A test below keeps every `#[server]` on it.
pub type JsonResponse = Post<JsonText>;

/// See [`JsonResponse`].
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// [`BrowserClient`] that adds the CSRF header. Use it for every server function.
pub struct CsrfClient;

impl<E, IS, OS> Client<E, IS, OS> for CsrfClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        if let Some(token) = crate::browser::csrf_token() {
            req.headers().set(CSRF_HEADER, &token);
        }
        <BrowserClient as Client<E, IS, OS>>::send(req)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future);
    }
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    /// Every `#[server(…)]` line under `dir` that does not answer with [`super::JsonResponse`].
    fn without_json_response(dir: &Path, found: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                without_json_response(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                found.extend(
                    text.lines()
                        .filter(|line| line.trim_start().starts_with("#[server("))
                        .filter(|line| !line.contains("output = crate::client::JsonResponse"))
                        .map(|line| format!("{}: {line}", path.display())),
                );
            }
        }
    }

    #[test]
    fn every_server_function_answers_with_json_response() {
        let mut found = Vec::new();
        without_json_response(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
