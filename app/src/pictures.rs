//! Pictures: plain functions lay out what an SVG shows (positions, states, the text
//! alternative), with unit tests; the components in `components/*_picture.rs` only draw them.
//! The realm chain and the trust graph are rendered on the server, so they are on the page
//! before hydration; the token timeline follows what is pasted in the browser.

pub mod realm_chain;
pub mod token_timeline;
pub mod trust_graph;
