//! The integration tests, one binary: a module per theme file, sharing one compiled
//! copy of `support/` (the mock server, the moto, s3s-fs and loopback-AWS launchers, the
//! runner for the original) and of `faults_common/`. Filter as usual:
//! `cargo test --test it compat::`, `cargo test --test it profiles_e2e`.

mod faults_common;
mod support;

mod aws_loopback;
mod aws_loopback_compat;
mod bad_input;
mod buckets_replay;
mod checksum_settings;
mod compat;
mod completion_bash;
mod config_parity;
mod create_e2e;
mod create_options_e2e;
mod create_options_replay;
mod create_replay;
mod downloads_hostile;
mod faults_buckets;
mod faults_iam;
mod faults_localserver;
mod faults_objects;
mod faults_transport;
mod foundation_aws;
mod foundation_cli;
mod foundation_tls;
mod harness_selftest;
mod harness_signals;
mod iam_replay;
mod interrupts;
mod layers;
mod lifecycle_delete_bucket;
mod lifecycle_delete_bucket_hostile;
mod lifecycle_expires;
mod lifecycle_inventory;
mod lifecycle_revoke;
mod listing_bounds;
mod localserver_cli;
mod localserver_hardening;
mod localserver_refresh;
mod objects_moto;
mod objects_replay;
mod objects_s3s;
mod presign_s3s;
mod profiles_e2e;
mod secrets;
mod secrets_forms;
mod sigv4_vectors;
mod stderr_escapes;
