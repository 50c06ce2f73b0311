//! The TLS settings of every outgoing connection: rustls (aws-lc-rs) with the bundled Mozilla
//! roots, plus the certificates of `OUTBOUND_CA_FILE`. Never unverified: no switch here
//! turns verification off.

use std::path::Path;
use std::sync::Arc;

/// The rustls client configuration, bundled roots first.
pub(super) fn client_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for der in crate::config::read_ca_file(path)? {
            roots
                .add(rustls::pki_types::CertificateDer::from(der))
                .map_err(|e| format!("{}: a certificate is not usable: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
