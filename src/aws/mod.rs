//! Talking to AWS: signing, credentials, configuration, transport and the service clients.

pub mod sigv4;
