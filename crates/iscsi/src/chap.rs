//! CHAP authentication (RFC 1994) as iSCSI carries it in Login text keys.
//!
//! Exchange (RFC 7143 §12.1.3):
//!
//! ```text
//! I -> T  CHAP_A=<A1,A2,...>                      algorithms offered (5 = MD5 must be one)
//! T -> I  CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>        chosen algorithm, identifier, challenge
//! I -> T  CHAP_N=<N> CHAP_R=<R> [CHAP_I CHAP_C]   name, response [mutual: our challenge]
//! T -> I  [CHAP_N=<N> CHAP_R=<R>]                 mutual only: the target's answer
//! ```
//!
//! The response is MD5(identifier ‖ secret ‖ challenge) (RFC 1994 §4.1). Challenges and
//! responses are binary values sent as `0x` hex or `0b` base64, at most 1024 bytes
//! (RFC 7143 §12.1.3).
//!
//! Invariants: no random source (the caller supplies challenges and identifiers); responses are
//! compared in constant time; a challenge shorter than [`MIN_CHALLENGE_LEN`] is refused in
//! both directions (our policy: at least the MD5 output length); a challenge that equals the
//! one sent the other way is refused (RFC 7143 §9.2.1: the originator must not reuse the
//! responder's challenge, and the responder must check for it); the same secret for both
//! directions of mutual CHAP is refused (RFC 7143 §9.2.1).

use std::fmt;

use md5::{Digest, Md5};

use crate::text::{
    encode_base64, encode_hex, parse_binary, parse_list, parse_number, TextParameters,
};

/// CHAP_A value for CHAP with MD5, the one algorithm every implementation must offer.
/// Spec: RFC 7143 §12.1.3; RFC 1994 §2.
pub const CHAP_MD5: u8 = 5;

/// Shortest challenge accepted or issued, bytes (policy: the MD5 output length).
pub const MIN_CHALLENGE_LEN: usize = 16;

/// Longest binary value (challenge or response), bytes. Spec: RFC 7143 §12.1.3.
pub const MAX_BINARY_LEN: usize = 1024;

/// Length of an MD5 CHAP response, bytes.
pub const MD5_RESPONSE_LEN: usize = 16;

/// CHAP with MD5: MD5 over the identifier byte, the secret and the challenge.
///
/// Spec: RFC 1994 §4.1 (Response Value).
pub fn chap_md5_response(identifier: u8, secret: &[u8], challenge: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update([identifier]);
    md5.update(secret);
    md5.update(challenge);
    md5.finalize().into()
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A CHAP secret. `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct ChapSecret(Vec<u8>);

impl ChapSecret {
    /// Wraps secret bytes.
    ///
    /// # Errors
    /// [`ChapError::EmptySecret`] for an empty secret (RFC 1994 §2.2: at least one octet).
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<ChapSecret, ChapError> {
        let secret = secret.into();
        if secret.is_empty() {
            return Err(ChapError::EmptySecret);
        }
        Ok(ChapSecret(secret))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for ChapSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChapSecret(<{} bytes>)", self.0.len())
    }
}

/// A CHAP name and its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapCredentials {
    /// CHAP_N value.
    pub name: String,
    /// The shared secret.
    pub secret: ChapSecret,
}

/// How challenges and responses are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BinaryEncoding {
    /// `0x` hex (the common choice).
    #[default]
    Hex,
    /// `0b` base64.
    Base64,
}

impl BinaryEncoding {
    fn encode(self, bytes: &[u8]) -> String {
        match self {
            BinaryEncoding::Hex => encode_hex(bytes),
            BinaryEncoding::Base64 => encode_base64(bytes),
        }
    }
}

/// CHAP failed: the target ends the login with Authentication Failure (0201h), the initiator
/// closes the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChapError {
    /// A required CHAP key is missing.
    #[error("CHAP key {key} missing")]
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// A CHAP key has a malformed value.
    #[error("{key}={value:?}: expected {expected}")]
    InvalidValue {
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// No offered algorithm is CHAP with MD5 (5).
    #[error("CHAP_A={offered}: algorithm 5 (MD5) not offered")]
    UnsupportedAlgorithm {
        /// The CHAP_A value received.
        offered: String,
    },
    /// A challenge (received or configured) is shorter than [`MIN_CHALLENGE_LEN`].
    #[error("CHAP challenge of {len} bytes is shorter than {min}")]
    ChallengeTooShort {
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A binary value is longer than [`MAX_BINARY_LEN`].
    #[error("CHAP binary value of {len} bytes is longer than {max}")]
    ValueTooLong {
        /// Its length.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// The challenge for one direction equals the challenge for the other.
    #[error("CHAP challenge reflected: the same challenge was used in both directions")]
    ReflectedChallenge,
    /// The CHAP_N is not a known name.
    #[error("CHAP name {name:?} is unknown")]
    UnknownName {
        /// The name received.
        name: String,
    },
    /// The response does not match the expected one.
    #[error("CHAP response for {name:?} does not match")]
    ResponseMismatch {
        /// The CHAP_N that came with it.
        name: String,
    },
    /// The target's CHAP_N (mutual CHAP) is not the expected name.
    #[error("target CHAP name {received:?} is not the expected {expected:?}")]
    NameMismatch {
        /// The name configured.
        expected: String,
        /// The name received.
        received: String,
    },
    /// Mutual CHAP with one secret for both directions.
    #[error("the same CHAP secret is configured for both directions")]
    SameSecretBothDirections,
    /// An empty secret.
    #[error("CHAP secret is empty")]
    EmptySecret,
    /// The initiator asked for mutual CHAP but the target has no credentials configured.
    #[error("mutual CHAP requested but no target credentials are configured")]
    MutualNotConfigured,
    /// A step arrived out of order.
    #[error("CHAP step {step} out of order")]
    OutOfOrder {
        /// The step attempted.
        step: &'static str,
    },
}

fn check_challenge(challenge: &[u8]) -> Result<(), ChapError> {
    if challenge.len() < MIN_CHALLENGE_LEN {
        return Err(ChapError::ChallengeTooShort {
            len: challenge.len(),
            min: MIN_CHALLENGE_LEN,
        });
    }
    if challenge.len() > MAX_BINARY_LEN {
        return Err(ChapError::ValueTooLong {
            len: challenge.len(),
            max: MAX_BINARY_LEN,
        });
    }
    Ok(())
}

fn required<'a>(text: &'a TextParameters, key: &'static str) -> Result<&'a str, ChapError> {
    text.get(key).ok_or(ChapError::MissingKey { key })
}

fn get_identifier(text: &TextParameters) -> Result<u8, ChapError> {
    let v = required(text, "CHAP_I")?;
    parse_number(v)
        .ok()
        .and_then(|n| u8::try_from(n).ok())
        .ok_or_else(|| ChapError::InvalidValue {
            key: "CHAP_I",
            value: v.to_string(),
            expected: "a number in 0..=255",
        })
}

fn get_binary(text: &TextParameters, key: &'static str) -> Result<Vec<u8>, ChapError> {
    let v = required(text, key)?;
    let bytes = parse_binary(v).map_err(|_| ChapError::InvalidValue {
        key,
        value: v.to_string(),
        expected: "0x hex or 0b base64",
    })?;
    if bytes.len() > MAX_BINARY_LEN {
        return Err(ChapError::ValueTooLong {
            len: bytes.len(),
            max: MAX_BINARY_LEN,
        });
    }
    Ok(bytes)
}

fn get_name(text: &TextParameters) -> Result<String, ChapError> {
    let v = required(text, "CHAP_N")?;
    if v.is_empty() {
        return Err(ChapError::InvalidValue {
            key: "CHAP_N",
            value: String::new(),
            expected: "a non-empty name",
        });
    }
    Ok(v.to_string())
}

fn verify(
    name: &str,
    identifier: u8,
    secret: &ChapSecret,
    challenge: &[u8],
    response: &[u8],
) -> Result<(), ChapError> {
    let expected = chap_md5_response(identifier, secret.expose(), challenge);
    if constant_time_eq(&expected, response) {
        Ok(())
    } else {
        Err(ChapError::ResponseMismatch {
            name: name.to_string(),
        })
    }
}

/// The challenge the initiator sends for mutual CHAP, with what it expects back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MutualChallenge {
    target: ChapCredentials,
    identifier: u8,
    challenge: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InitiatorStep {
    Start,
    AlgorithmsSent,
    ResponseSent,
    Done,
}

/// The initiator's side of CHAP (the responder; with [`ChapInitiator::with_mutual`] also the
/// authenticator of the target).
///
/// Spec: RFC 7143 §12.1.3.
#[derive(Debug, Clone)]
pub struct ChapInitiator {
    credentials: ChapCredentials,
    mutual: Option<MutualChallenge>,
    encoding: BinaryEncoding,
    step: InitiatorStep,
}

impl ChapInitiator {
    /// One-way CHAP: the target authenticates the initiator with `credentials`.
    pub fn new(credentials: ChapCredentials) -> ChapInitiator {
        ChapInitiator {
            credentials,
            mutual: None,
            encoding: BinaryEncoding::Hex,
            step: InitiatorStep::Start,
        }
    }

    /// Mutual CHAP: also authenticate the target, expecting `target` credentials, with our
    /// `identifier` and `challenge` (random bytes from the caller).
    ///
    /// # Errors
    /// [`ChapError::ChallengeTooShort`]/[`ChapError::ValueTooLong`] for a bad challenge length;
    /// [`ChapError::SameSecretBothDirections`] when the target secret equals ours.
    pub fn with_mutual(
        mut self,
        target: ChapCredentials,
        identifier: u8,
        challenge: Vec<u8>,
    ) -> Result<ChapInitiator, ChapError> {
        check_challenge(&challenge)?;
        if constant_time_eq(target.secret.expose(), self.credentials.secret.expose()) {
            return Err(ChapError::SameSecretBothDirections);
        }
        self.mutual = Some(MutualChallenge {
            target,
            identifier,
            challenge,
        });
        Ok(self)
    }

    /// Writes challenges and responses in `encoding` (hex by default).
    pub fn with_encoding(mut self, encoding: BinaryEncoding) -> ChapInitiator {
        self.encoding = encoding;
        self
    }

    /// Step 1: `CHAP_A=5`.
    ///
    /// # Errors
    /// [`ChapError::OutOfOrder`] when called twice.
    pub fn start(&mut self) -> Result<TextParameters, ChapError> {
        if self.step != InitiatorStep::Start {
            return Err(ChapError::OutOfOrder { step: "CHAP_A" });
        }
        self.step = InitiatorStep::AlgorithmsSent;
        let mut t = TextParameters::new();
        t.push("CHAP_A", CHAP_MD5.to_string());
        Ok(t)
    }

    /// Step 3: takes the target's `CHAP_A`, `CHAP_I`, `CHAP_C` and returns `CHAP_N`, `CHAP_R`
    /// (and for mutual CHAP `CHAP_I`, `CHAP_C`).
    ///
    /// # Errors
    /// [`ChapError`] for a missing or malformed key, an algorithm other than 5, a short
    /// challenge, or a target challenge equal to our mutual challenge.
    pub fn on_challenge(&mut self, received: &TextParameters) -> Result<TextParameters, ChapError> {
        if self.step != InitiatorStep::AlgorithmsSent {
            return Err(ChapError::OutOfOrder { step: "CHAP_C" });
        }
        let algorithm = required(received, "CHAP_A")?;
        if parse_number(algorithm).ok() != Some(u64::from(CHAP_MD5)) {
            return Err(ChapError::UnsupportedAlgorithm {
                offered: algorithm.to_string(),
            });
        }
        let identifier = get_identifier(received)?;
        let challenge = get_binary(received, "CHAP_C")?;
        check_challenge(&challenge)?;
        if let Some(m) = &self.mutual {
            if constant_time_eq(&m.challenge, &challenge) {
                return Err(ChapError::ReflectedChallenge);
            }
        }
        let response = chap_md5_response(identifier, self.credentials.secret.expose(), &challenge);
        let mut t = TextParameters::new();
        t.push("CHAP_N", self.credentials.name.clone());
        t.push("CHAP_R", self.encoding.encode(&response));
        if let Some(m) = &self.mutual {
            t.push("CHAP_I", m.identifier.to_string());
            t.push("CHAP_C", self.encoding.encode(&m.challenge));
            self.step = InitiatorStep::ResponseSent;
        } else {
            self.step = InitiatorStep::Done;
        }
        Ok(t)
    }

    /// Step 4 (mutual CHAP): verifies the target's `CHAP_N` and `CHAP_R`.
    ///
    /// # Errors
    /// [`ChapError::NameMismatch`] or [`ChapError::ResponseMismatch`] when the target fails to
    /// authenticate; [`ChapError::OutOfOrder`] without mutual CHAP.
    pub fn on_target_response(&mut self, received: &TextParameters) -> Result<(), ChapError> {
        let (InitiatorStep::ResponseSent, Some(m)) = (self.step, &self.mutual) else {
            return Err(ChapError::OutOfOrder { step: "CHAP_R" });
        };
        let name = get_name(received)?;
        let response = get_binary(received, "CHAP_R")?;
        if name != m.target.name {
            return Err(ChapError::NameMismatch {
                expected: m.target.name.clone(),
                received: name,
            });
        }
        verify(
            &name,
            m.identifier,
            &m.target.secret,
            &m.challenge,
            &response,
        )?;
        self.step = InitiatorStep::Done;
        Ok(())
    }

    /// True when CHAP finished successfully on this side.
    pub fn is_done(&self) -> bool {
        self.step == InitiatorStep::Done
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetStep {
    Start,
    ChallengeSent,
    Done,
}

/// The outcome of a verified CHAP response on the target side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapVerified {
    /// The initiator's CHAP_N.
    pub initiator_name: String,
    /// What to send back: `CHAP_N` and `CHAP_R` for mutual CHAP, empty otherwise.
    pub reply: TextParameters,
}

/// The target's side of CHAP (the authenticator; also the responder for mutual CHAP).
///
/// Spec: RFC 7143 §12.1.3.
#[derive(Debug, Clone)]
pub struct ChapTarget {
    identifier: u8,
    challenge: Vec<u8>,
    credentials: Option<ChapCredentials>,
    encoding: BinaryEncoding,
    step: TargetStep,
}

impl ChapTarget {
    /// A target that will challenge with `identifier` and `challenge` (random bytes from the
    /// caller).
    ///
    /// # Errors
    /// [`ChapError::ChallengeTooShort`]/[`ChapError::ValueTooLong`] for a bad challenge length.
    pub fn new(identifier: u8, challenge: Vec<u8>) -> Result<ChapTarget, ChapError> {
        check_challenge(&challenge)?;
        Ok(ChapTarget {
            identifier,
            challenge,
            credentials: None,
            encoding: BinaryEncoding::Hex,
            step: TargetStep::Start,
        })
    }

    /// The target's own credentials, used when the initiator asks for mutual CHAP.
    pub fn with_credentials(mut self, credentials: ChapCredentials) -> ChapTarget {
        self.credentials = Some(credentials);
        self
    }

    /// Writes challenges and responses in `encoding` (hex by default).
    pub fn with_encoding(mut self, encoding: BinaryEncoding) -> ChapTarget {
        self.encoding = encoding;
        self
    }

    /// Step 2: takes the initiator's `CHAP_A` list and returns `CHAP_A=5`, `CHAP_I`, `CHAP_C`.
    ///
    /// # Errors
    /// [`ChapError::UnsupportedAlgorithm`] when 5 is not offered (answer the login with
    /// Authentication Failure); [`ChapError::MissingKey`] without `CHAP_A`.
    pub fn on_algorithms(
        &mut self,
        received: &TextParameters,
    ) -> Result<TextParameters, ChapError> {
        if self.step != TargetStep::Start {
            return Err(ChapError::OutOfOrder { step: "CHAP_A" });
        }
        let offered = required(received, "CHAP_A")?;
        let md5 = parse_list(offered)
            .into_iter()
            .any(|a| parse_number(a).ok() == Some(u64::from(CHAP_MD5)));
        if !md5 {
            return Err(ChapError::UnsupportedAlgorithm {
                offered: offered.to_string(),
            });
        }
        self.step = TargetStep::ChallengeSent;
        let mut t = TextParameters::new();
        t.push("CHAP_A", CHAP_MD5.to_string());
        t.push("CHAP_I", self.identifier.to_string());
        t.push("CHAP_C", self.encoding.encode(&self.challenge));
        Ok(t)
    }

    /// Step 3: verifies the initiator's `CHAP_N`/`CHAP_R` with the secret `lookup` returns for
    /// the name; for mutual CHAP (`CHAP_I`/`CHAP_C` present) also answers the initiator's
    /// challenge with the target credentials.
    ///
    /// # Errors
    /// [`ChapError::UnknownName`], [`ChapError::ResponseMismatch`] (authentication failure);
    /// for mutual CHAP [`ChapError::ReflectedChallenge`] when the initiator's challenge equals
    /// ours, [`ChapError::ChallengeTooShort`], [`ChapError::SameSecretBothDirections`],
    /// [`ChapError::MutualNotConfigured`] when no target credentials are configured.
    pub fn on_response(
        &mut self,
        received: &TextParameters,
        lookup: impl Fn(&str) -> Option<ChapSecret>,
    ) -> Result<ChapVerified, ChapError> {
        if self.step != TargetStep::ChallengeSent {
            return Err(ChapError::OutOfOrder { step: "CHAP_R" });
        }
        let name = get_name(received)?;
        let response = get_binary(received, "CHAP_R")?;
        let secret = lookup(&name).ok_or_else(|| ChapError::UnknownName { name: name.clone() })?;
        verify(&name, self.identifier, &secret, &self.challenge, &response)?;

        let mut reply = TextParameters::new();
        let mutual = received.get("CHAP_I").is_some() || received.get("CHAP_C").is_some();
        if mutual {
            let identifier = get_identifier(received)?;
            let challenge = get_binary(received, "CHAP_C")?;
            check_challenge(&challenge)?;
            if constant_time_eq(&challenge, &self.challenge) {
                return Err(ChapError::ReflectedChallenge);
            }
            let own = self
                .credentials
                .as_ref()
                .ok_or(ChapError::MutualNotConfigured)?;
            if constant_time_eq(own.secret.expose(), secret.expose()) {
                return Err(ChapError::SameSecretBothDirections);
            }
            let answer = chap_md5_response(identifier, own.secret.expose(), &challenge);
            reply.push("CHAP_N", own.name.clone());
            reply.push("CHAP_R", self.encoding.encode(&answer));
        }
        self.step = TargetStep::Done;
        Ok(ChapVerified {
            initiator_name: name,
            reply,
        })
    }

    /// True when the initiator has been authenticated.
    pub fn is_done(&self) -> bool {
        self.step == TargetStep::Done
    }
}

/// True for the keys CHAP owns (`CHAP_A`, `CHAP_I`, `CHAP_C`, `CHAP_N`, `CHAP_R`).
pub fn is_chap_key(key: &str) -> bool {
    key.starts_with("CHAP_")
}
