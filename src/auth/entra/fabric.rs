//! Service Fabric's managed identity endpoint, whose TLS certificate is the cluster's own and
//! is recognised by its thumbprint.
//!
//! Follows `azure-identity` for Python, `_credentials/service_fabric.py`, and MSAL Python's
//! `msal/managed_identity.py` (`_obtain_token_on_service_fabric`): with `IDENTITY_ENDPOINT`,
//! `IDENTITY_HEADER` and `IDENTITY_SERVER_THUMBPRINT` set, `GET
//! $IDENTITY_ENDPOINT?api-version=2019-07-01-preview&resource=…` with the header `Secret:
//! $IDENTITY_HEADER`. The SDK turns certificate checks off for it (`connection_verify=False`);
//! feedctl instead accepts only the certificate whose SHA-1 thumbprint is
//! `IDENTITY_SERVER_THUMBPRINT` (how Service Fabric tells its applications which certificate
//! its endpoint presents) and checks the handshake's signatures against it, so the secret
//! header goes nowhere else.

use std::sync::Arc;

use anyhow::{Context, Result};
use reqwest::blocking::Client;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use super::http;
use crate::exit::{Code, Failure};

/// The thumbprint in `IDENTITY_SERVER_THUMBPRINT`: 40 hexadecimal digits (any case; spaces
/// and colons, as certificate tools show them, are ignored).
pub fn thumbprint(value: &str) -> Result<Vec<u8>, Failure> {
    let digits: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    let bytes: Option<Vec<u8>> = (digits.len() == 40)
        .then(|| {
            (0..40)
                .step_by(2)
                .map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten();
    bytes.ok_or_else(|| {
        Failure::new(
            Code::Usage,
            format!(
                "`IDENTITY_SERVER_THUMBPRINT` is `{}`: a certificate thumbprint is 40 \
                 hexadecimal digits (its SHA-1 hash)",
                value.trim()
            ),
        )
    })
}

/// A client that trusts exactly the certificate with this SHA-1 thumbprint.
pub fn client(thumbprint: &[u8]) -> Result<Client> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("failed to set up TLS")?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            thumbprint: thumbprint.to_vec(),
            provider,
        }))
        .with_no_client_auth();
    http::builder(false)
        .use_preconfigured_tls(config)
        .build()
        .context("failed to set up the HTTP client")
}

#[derive(Debug)]
struct Pinned {
    thumbprint: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let digest =
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, end_entity.as_ref());
        if digest.as_ref() == self.thumbprint.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_are_read_as_tools_show_them() {
        let want: Vec<u8> = (0..20).collect();
        assert_eq!(
            thumbprint("000102030405060708090a0b0c0d0e0f10111213").unwrap(),
            want
        );
        assert_eq!(
            thumbprint("00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13").unwrap(),
            want
        );
        let accented = format!("é{}", "0".repeat(38));
        for bad in [
            "",
            "abc",
            "zz0102030405060708090a0b0c0d0e0f10111213",
            &accented,
        ] {
            assert!(thumbprint(bad).is_err(), "{bad}");
        }
    }
}
