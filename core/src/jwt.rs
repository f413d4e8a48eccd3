//! The JWT realm as Elasticsearch implements it: settings, startup validation, keys, token
//! validation in Elasticsearch's order, and claims → user. Pure; time is a parameter.

pub mod algorithm;
pub mod authenticate;
pub mod catalog;
pub mod check;
pub mod key_table;
pub mod keys;
pub mod lint;
pub mod pem;
pub mod realm;
pub mod token;
