//! A response of the preview server: its status, content type and body, made by the pages
//! and written by the server.

use std::fs;

pub(super) struct Response {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) body: Body,
}

pub(super) enum Body {
    Bytes(Vec<u8>),
    File(fs::File, u64),
}

impl Response {
    pub(super) fn text(status: u16, text: &str) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Bytes(text.as_bytes().to_vec()),
        }
    }
    pub(super) fn html(status: u16, html: Vec<u8>) -> Self {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            body: Body::Bytes(html),
        }
    }
}
