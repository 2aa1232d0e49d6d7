//! Document generation lives here once the dossier work starts; it is its own crate because
//! typesetting is heavy to compile and nothing else should wait for it.
#![forbid(unsafe_code)]
